import Glibc

/// Causal tempo estimation from the onset detection function (ODF).
///
/// Every quarter second, the last six seconds of the ODF are made zero-mean locally and
/// half-wave rectified, autocorrelated, and passed through a comb filter bank (four multiples of
/// each candidate beat period) weighted by a log-normal tempo prior around 120 BPM (after Davies &
/// Plumbley, "Context-dependent beat tracking of musical audio", IEEE TASLP 2007, and Stark et al.,
/// "Real-time beat-synchronous analysis of musical audio", DAFx 2009). A forward pass of a hidden
/// Markov model over log-spaced tempo states keeps the estimate continuous, which resists half- and
/// double-tempo flips, while a small jump probability lets it re-lock after a real tempo change.
///
/// A real tempo change would take the six-second history about four seconds to win, so a second
/// comb over the last three seconds watches for one: when it finds a strongly periodic tempo 4 to
/// 25 % away from the one in force (never the octave and metrical ratios, where half- and
/// double-tempo confusions live), at least twice as periodic there as the tempo in force, for
/// three updates running, the model's belief moves there (and not again within six seconds).
///
/// Algorithmic delay: the ODF's (half a window); the estimate reflects the last six seconds, or
/// the last three after a change (``changeLagSeconds``).
final class TempoTracker {
    static let minimumBPM = 50.0
    static let maximumBPM = 220.0
    /// Log spacing of the tempo states: 0.5 % apart.
    static let stateRatio = 1.005
    static let historySeconds = 6.0
    static let updateSeconds = 0.25
    static let priorCentreBPM = 120.0
    static let priorWidthOctaves = 0.9
    /// Tempo drift allowed between updates (standard deviation, fraction of the tempo).
    static let driftPerUpdate = 0.015
    static let jumpProbability: Float = 0.002
    /// Below this the tempo is reported as unknown.
    static let minimumConfidence: Float = 0.03
    /// The tempo becomes known only with this many onsets in the history (stationary noise, whose
    /// autocorrelation is never quite flat, triggers none)…
    static let minimumOnsets = 3
    /// …and stays known while an onset comes at least this often, so soft music with few clear
    /// attacks keeps its beat once found.
    static let holdSeconds = 15.0
    /// The change detector's history, the tempo ratios it may move to, and how many updates in a
    /// row (a quarter second apart) must agree within 2 %.
    static let changeHistorySeconds = 3.0
    static let changeRatios: ClosedRange<Float> = 0.8...1.25
    static let smallestChange: Float = 0.04
    static let changeUpdates = 3
    /// …and the tempo in force must have stopped explaining the short history: the new tempo's
    /// periodicity there at least this many times its own.
    static let changeDominance: Float = 2
    /// The detector acts only on strongly periodic music (a groove, where a step is most likely
    /// real); in soft or rubato music three seconds say too little, and the long history decides.
    static let changePeriodicity: Float = 0.3

    let frameRate: Double
    private let stateCount: Int
    private let stateLag: UnsafeMutableBufferPointer<Float>
    private let statePrior: UnsafeMutableBufferPointer<Float>
    private let transition: UnsafeMutableBufferPointer<Float>
    private let transitionReach: Int
    private let belief: UnsafeMutableBufferPointer<Float>
    private let scratchBelief: UnsafeMutableBufferPointer<Float>
    private let observation: UnsafeMutableBufferPointer<Float>
    /// The comb's output without the prior: the normalised autocorrelation at the state's multiples.
    private let periodicities: UnsafeMutableBufferPointer<Float>
    /// The change detector's comb over the short history.
    private let recentObservation: UnsafeMutableBufferPointer<Float>
    private let recentPeriodicities: UnsafeMutableBufferPointer<Float>
    private let changeFrames: Int
    private var candidateBPM: Float = 0
    private var candidateUpdates = 0
    /// Updates until the change detector may act again: one history's worth after it moved the
    /// belief, so that it never walks the tempo away in steps (each within its ratios).
    private var changeRefractoryUpdates = 0

    private let odf: UnsafeMutableBufferPointer<Float>
    private let onsetFlags: UnsafeMutableBufferPointer<UInt8>
    private var recentOnsets = 0
    private var framesSinceOnset = Int.max / 2
    private var locked = false
    private var odfHead = 0
    private var odfCount = 0
    /// The ODF history oldest first, and its thresholded form.
    private let raw: UnsafeMutableBufferPointer<Float>
    private let linear: UnsafeMutableBufferPointer<Float>
    private let autocorrelation: UnsafeMutableBufferPointer<Float>
    private let maximumLag: Int
    private let updateFrames: Int
    private var framesSinceUpdate = 0

    /// The current tempo in BPM (0 while unknown) and its confidence in 0…1.
    private(set) var bpm: Float = 0
    private(set) var confidence: Float = 0
    /// How long ago the music most likely changed when the estimate last moved to a new tempo:
    /// half the history that found it.
    private(set) var changeLagSeconds = TempoTracker.historySeconds / 2

    /// Not real-time safe: allocates.
    init(frameRate: Double) {
        self.frameRate = frameRate
        stateCount = Int((log(Self.maximumBPM / Self.minimumBPM) / log(Self.stateRatio)).rounded(.down)) + 1
        stateLag = .allocate(capacity: stateCount)
        statePrior = .allocate(capacity: stateCount)
        for s in 0..<stateCount {
            let tempo = Self.minimumBPM * pow(Self.stateRatio, Double(s))
            stateLag[s] = Float(60 * frameRate / tempo)
            let octaves = log2(tempo / Self.priorCentreBPM) / Self.priorWidthOctaves
            statePrior[s] = Float(exp(-0.5 * octaves * octaves))
        }
        let sigmaStates = log(1 + Self.driftPerUpdate) / log(Self.stateRatio)
        transitionReach = Int((3 * sigmaStates).rounded(.up))
        transition = .allocate(capacity: 2 * transitionReach + 1)
        for d in -transitionReach...transitionReach {
            transition[d + transitionReach] = Float(exp(-0.5 * Double(d * d) / (sigmaStates * sigmaStates)))
        }
        belief = .allocate(capacity: stateCount)
        belief.initialize(repeating: 1 / Float(stateCount))
        scratchBelief = .allocate(capacity: stateCount)
        scratchBelief.initialize(repeating: 0)
        observation = .allocate(capacity: stateCount)
        observation.initialize(repeating: 0)
        periodicities = .allocate(capacity: stateCount)
        periodicities.initialize(repeating: 0)
        recentObservation = .allocate(capacity: stateCount)
        recentObservation.initialize(repeating: 0)
        recentPeriodicities = .allocate(capacity: stateCount)
        recentPeriodicities.initialize(repeating: 0)
        changeFrames = Int((Self.changeHistorySeconds * frameRate).rounded())

        let historyFrames = Int((Self.historySeconds * frameRate).rounded())
        odf = .allocate(capacity: historyFrames)
        odf.initialize(repeating: 0)
        onsetFlags = .allocate(capacity: historyFrames)
        onsetFlags.initialize(repeating: 0)
        raw = .allocate(capacity: historyFrames)
        raw.initialize(repeating: 0)
        linear = .allocate(capacity: historyFrames)
        linear.initialize(repeating: 0)
        maximumLag = min(historyFrames - 1, Int((4 * 60 * frameRate / Self.minimumBPM).rounded(.up)) + 2)
        autocorrelation = .allocate(capacity: maximumLag + 1)
        autocorrelation.initialize(repeating: 0)
        updateFrames = max(1, Int((Self.updateSeconds * frameRate).rounded()))
    }

    deinit {
        stateLag.deallocate()
        statePrior.deallocate()
        transition.deallocate()
        belief.deallocate()
        scratchBelief.deallocate()
        observation.deallocate()
        periodicities.deallocate()
        recentObservation.deallocate()
        recentPeriodicities.deallocate()
        odf.deallocate()
        onsetFlags.deallocate()
        raw.deallocate()
        linear.deallocate()
        autocorrelation.deallocate()
    }

    /// Forgets everything heard (a reset from the stage). Real-time safe.
    func reset() {
        for s in 0..<stateCount { belief[s] = 1 / Float(stateCount) }
        for i in 0..<odf.count {
            odf[i] = 0
            onsetFlags[i] = 0
        }
        recentOnsets = 0
        framesSinceOnset = Int.max / 2
        locked = false
        odfHead = 0
        odfCount = 0
        framesSinceUpdate = 0
        bpm = 0
        confidence = 0
        candidateBPM = 0
        candidateUpdates = 0
        changeRefractoryUpdates = 0
    }

    /// Takes one ODF value and whether the onset detector fired on this frame; returns true when
    /// the estimate was updated. Real-time safe: no allocation, locks or system calls.
    func process(_ value: Float, onsetDetected: Bool) -> Bool {
        if odfCount == odf.count, onsetFlags[odfHead] != 0 { recentOnsets -= 1 }
        onsetFlags[odfHead] = onsetDetected ? 1 : 0
        if onsetDetected { recentOnsets += 1 }
        framesSinceOnset = onsetDetected ? 0 : framesSinceOnset + 1
        odf[odfHead] = value
        odfHead = (odfHead + 1) % odf.count
        odfCount = min(odfCount + 1, odf.count)
        framesSinceUpdate += 1
        guard framesSinceUpdate >= updateFrames else { return false }
        framesSinceUpdate = 0
        update()
        return true
    }

    private func update() {
        let n = odfCount
        guard n > Int(2 * 60 * frameRate / Self.minimumBPM) / 2 else { return }
        // Oldest first, made zero-mean over ±8 frames and half-wave rectified (the adaptive threshold).
        let start = (odfHead - n + odf.count) % odf.count
        for i in 0..<n { raw[i] = odf[(start + i) % odf.count] }
        let reach = 8
        var runningSum: Float = 0
        var windowStart = 0, windowEnd = min(n, reach + 1)
        for i in 0..<windowEnd { runningSum += raw[i] }
        var energy: Float = 0
        for i in 0..<n {
            let rectified = max(0, raw[i] - runningSum / Float(windowEnd - windowStart))
            linear[i] = rectified
            energy += rectified
            if windowEnd < n {
                runningSum += raw[windowEnd]
                windowEnd += 1
            }
            if i - reach >= 0 {
                runningSum -= raw[windowStart]
                windowStart += 1
            }
        }
        guard energy > 1e-6 else {
            bpm = 0
            confidence = 0
            locked = false
            return
        }
        guard combFilter(from: 0, count: n, observation: observation, periodicities: periodicities) else { return }

        // HMM forward step: drift, a small chance of a jump, then the observation.
        var previousBest: Float = 0
        for s in 0..<stateCount { previousBest = max(previousBest, belief[s]) }
        let floor = previousBest * Self.jumpProbability
        var newTotal: Float = 0
        for s in 0..<stateCount {
            var reachable = floor
            let low = max(0, s - transitionReach), high = min(stateCount - 1, s + transitionReach)
            for t in low...high {
                reachable = max(reachable, belief[t] * transition[t - s + transitionReach])
            }
            let value = reachable * observation[s]
            scratchBelief[s] = value
            newTotal += value
        }
        guard newTotal > 0 else { return }
        var winner = 0
        for s in 0..<stateCount {
            belief[s] = scratchBelief[s] / newTotal
            if belief[s] > belief[winner] { winner = s }
        }
        let offset = refinement(of: winner, in: observation)
        confidence = max(0, min(1, periodicities[winner]))
        // Periodicity alone is not enough: the maximum over hundreds of tempo candidates of a random
        // signal's autocorrelation is never zero. Stationary noise, though, triggers no onsets.
        let periodic = confidence >= Self.minimumConfidence
        if locked {
            // Once found, the tempo is held while onsets keep coming, periodic or not: while a
            // tempo change passes through the history it holds two periods, and the comb's
            // periodicity dips for a moment (the MIDI clock would stop for it).
            locked = Double(framesSinceOnset) <= Self.holdSeconds * frameRate
        } else {
            locked = periodic && recentOnsets >= Self.minimumOnsets
        }
        bpm = locked
            ? Float(Self.minimumBPM * pow(Self.stateRatio, Double(winner) + Double(offset))) : 0
        changeLagSeconds = Self.historySeconds / 2
        if locked { followChange(historyFrames: n, from: winner) } else { candidateUpdates = 0 }
    }

    /// The change detector: the comb over the last three seconds; after three updates in a row on
    /// one clearly periodic tempo within ``changeRatios`` of the estimate (and at least 4 % from
    /// it), the belief is moved there. `current` is the state the estimate in force comes from.
    private func followChange(historyFrames n: Int, from current: Int) {
        if changeRefractoryUpdates > 0 {
            changeRefractoryUpdates -= 1
            return
        }
        let count = min(n, changeFrames)
        guard combFilter(from: n - count, count: count, observation: recentObservation, periodicities: recentPeriodicities)
        else { candidateUpdates = 0; return }
        var winner = 0
        for s in 0..<stateCount where recentObservation[s] > recentObservation[winner] { winner = s }
        let recent = Float(Self.minimumBPM * pow(Self.stateRatio, Double(winner) + Double(refinement(of: winner, in: recentObservation))))
        let ratio = recent / bpm
        guard recentPeriodicities[winner] >= Self.changePeriodicity, Self.changeRatios.contains(ratio),
              abs(ratio - 1) >= Self.smallestChange,
              recentPeriodicities[winner] >= Self.changeDominance * recentPeriodicities[current]
        else { candidateUpdates = 0; return }
        if candidateUpdates > 0, abs(recent - candidateBPM) <= 0.02 * candidateBPM {
            candidateUpdates += 1
        } else {
            candidateBPM = recent
            candidateUpdates = 1
        }
        guard candidateUpdates >= Self.changeUpdates else { return }
        // Move the belief: the drift kernel around the new state, nothing left at the old one.
        var total: Float = 0
        for s in 0..<stateCount {
            let d = s - winner
            belief[s] = abs(d) <= transitionReach ? transition[d + transitionReach] : 0
            total += belief[s]
        }
        for s in 0..<stateCount { belief[s] /= total }
        bpm = recent
        confidence = max(0, min(1, recentPeriodicities[winner]))
        changeLagSeconds = Self.changeHistorySeconds / 2
        candidateUpdates = 0
        changeRefractoryUpdates = Int((Self.historySeconds / Self.updateSeconds).rounded())
    }

    /// Where between the states the maximum at `winner` lies (−0.5…0.5 states): the vertex of a
    /// parabola through the observation around it.
    private func refinement(of winner: Int, in observation: UnsafeMutableBufferPointer<Float>) -> Float {
        guard winner > 0, winner < stateCount - 1 else { return 0 }
        let a = observation[winner - 1], b = observation[winner], c = observation[winner + 1]
        let denominator = a - 2 * b + c
        return denominator < 0 ? max(-0.5, min(0.5, 0.5 * (a - c) / denominator)) : 0
    }

    /// Autocorrelates `count` frames of the thresholded history from `start` and passes the result
    /// through the comb filter bank: per tempo state the prior-weighted comb value, normalised to 1
    /// at the best state, and the periodicity (the comb of the autocovariance normalised to 1 at
    /// lag 0). False when the stretch is flat.
    private func combFilter(
        from start: Int, count n: Int, observation: UnsafeMutableBufferPointer<Float>,
        periodicities: UnsafeMutableBufferPointer<Float>
    ) -> Bool {
        var energy: Float = 0
        for i in start..<(start + n) { energy += linear[i] }
        guard energy > 1e-6 else { return false }
        let lags = min(maximumLag, n - 1)
        for lag in 0...lags {
            var sum: Float = 0
            for i in (start + lag)..<(start + n) { sum += linear[i] * linear[i - lag] }
            autocorrelation[lag] = sum / Float(n - lag)
        }
        for lag in (lags + 1)..<(maximumLag + 1) { autocorrelation[lag] = 0 }
        // The comb of the autocovariance normalised to 1 at lag 0 measures how periodic the onsets
        // are (near 0 for noise, well above for a steady beat).
        let centre = energy / Float(n)
        let variance = autocorrelation[0] - centre * centre
        guard variance > 1e-12 else { return false }
        var best: Float = 0
        for s in 0..<stateCount {
            var sum: Float = 0, terms: Float = 0, covariance: Float = 0
            for multiple in 1...4 {
                let position = stateLag[s] * Float(multiple)
                let lower = Int(position)
                guard lower + 1 <= lags else { break }
                let frac = position - Float(lower)
                let value = autocorrelation[lower] * (1 - frac) + autocorrelation[lower + 1] * frac
                sum += value
                covariance += (value - centre * centre) / variance
                terms += 1
            }
            periodicities[s] = terms > 0 ? max(0, covariance / terms) : 0
            let value = terms > 0 ? max(0, sum / terms) * statePrior[s] : 0
            observation[s] = value
            best = max(best, value)
        }
        guard best > 0 else { return false }
        for s in 0..<stateCount { observation[s] /= best }
        return true
    }
}
