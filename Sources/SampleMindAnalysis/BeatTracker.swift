import Glibc

/// Causal beat tracking with a cumulative score and beat prediction, after Stark, Davies &
/// Plumbley, "Real-time beat-synchronous analysis of musical audio" (DAFx 2009), the method of BTrack.
///
/// Each frame the cumulative score adds the ODF to the best score one beat period back, weighted by
/// a log-Gaussian around the period. Half a period after each beat the score is projected a period
/// ahead and the next beat is scheduled at its most likely position, so beats are reported on time
/// rather than after they are heard. Bar positions come from where low-frequency onsets (kick and
/// bass) fall most strongly among the positions of the bar.
///
/// Algorithmic delay: the ODF's (half a window). Beats are predicted, so they need no look-ahead.
final class BeatTracker {
    static let alpha: Float = 0.9
    /// After a tempo change, for ``changeSeconds``, the score leans on what it hears now, so the
    /// beats find the new grid instead of carrying the old phase.
    static let changeAlpha: Float = 0.5
    static let changeSeconds = 1.5
    static let tightness: Float = 5
    static let downbeatMemory: Float = 0.95
    static let downbeatSwitchRatio: Float = 1.25

    static let maximumBeatsPerBar = StageControl.meterRange.upperBound

    let frameRate: Double
    private(set) var beatsPerBar: Int
    private let score: UnsafeMutableBufferPointer<Float>
    private var scoreHead = 0
    private let future: UnsafeMutableBufferPointer<Float>
    private let weights: UnsafeMutableBufferPointer<Float>
    private var weightsPeriod: Float = 0
    private let maximumPeriod: Int
    private let barEnergy: UnsafeMutableBufferPointer<Float>

    private var framesToBeat = -1
    /// Frames left of leaning on the present after a tempo change.
    private var changeFrames = 0
    private var framesToPrediction = -1
    private var framesSinceBeat = 0
    private(set) var beatCount = 0
    private var downbeatSlot = 0
    /// Set from the stage: the downbeat stays where the performer put it.
    private var downbeatFixed = false

    /// Not real-time safe: allocates.
    init(frameRate: Double, beatsPerBar: Int) {
        self.frameRate = frameRate
        self.beatsPerBar = beatsPerBar
        maximumPeriod = Int((60 * frameRate / TempoTracker.minimumBPM).rounded(.up)) + 1
        score = .allocate(capacity: 2 * maximumPeriod + 2)
        score.initialize(repeating: 0)
        future = .allocate(capacity: 3 * maximumPeriod + 4)
        future.initialize(repeating: 0)
        weights = .allocate(capacity: 2 * maximumPeriod + 2)
        weights.initialize(repeating: 0)
        barEnergy = .allocate(capacity: Self.maximumBeatsPerBar)
        barEnergy.initialize(repeating: 0)
    }

    deinit {
        score.deallocate()
        future.deallocate()
        weights.deallocate()
        barEnergy.deallocate()
    }

    /// A beat found in this frame: its running index and position in the bar (1 = downbeat).
    struct Beat { var index: Int; var barPosition: Int }

    /// Takes this frame's ODF value and low-frequency flux, and the current beat period in frames
    /// (0 while the tempo is unknown: no beats are reported then).
    /// Real-time safe: no allocation, locks or system calls.
    func process(odf: Float, lowFrequencyFlux: Float, periodFrames: Float) -> Beat? {
        creditBarEnergy(lowFrequencyFlux, period: periodFrames)
        let period = min(max(periodFrames, 2), Float(maximumPeriod))
        guard periodFrames > 0 else {
            pushScore(odf)
            framesToBeat = -1
            framesToPrediction = -1
            return nil
        }
        if period != weightsPeriod { computeWeights(period) }
        let alpha = changeFrames > 0 ? Self.changeAlpha : Self.alpha
        changeFrames = max(0, changeFrames - 1)
        pushScore((1 - alpha) * odf + alpha * bestPrevious(in: score, head: scoreHead, period: period))

        if framesToBeat < 0, framesToPrediction < 0 {
            // Just locked: look for the first beat half a period from now.
            framesToPrediction = Int(period / 2)
        }
        if framesToPrediction == 0 { predictNextBeat(period: period) }
        if framesToPrediction >= 0 { framesToPrediction -= 1 }
        guard framesToBeat >= 0 else { return nil }
        framesToBeat -= 1
        guard framesToBeat < 0 else { return nil }
        framesToPrediction = Int((period / 2).rounded())
        return countBeat()
    }

    /// Adds a frame's low-frequency flux to the bar position of the nearest beat: the last one for
    /// the first half of the period after it, the coming one for the second half.
    private func creditBarEnergy(_ lowFrequencyFlux: Float, period: Float) {
        framesSinceBeat += 1
        guard period > 0, beatCount > 0 else { return }
        let nearestBeat = Float(framesSinceBeat) <= period / 2 ? beatCount - 1 : beatCount
        barEnergy[nearestBeat % beatsPerBar] += lowFrequencyFlux
    }

    private func countBeat() -> Beat {
        for i in 0..<beatsPerBar { barEnergy[i] *= Self.downbeatMemory }
        // Move the downbeat only when another position is clearly stronger, so that a pattern with
        // equal accents (kick on 1 and 3) keeps its bar instead of flipping between them.
        var strongest = downbeatSlot
        for i in 0..<beatsPerBar where barEnergy[i] > barEnergy[strongest] { strongest = i }
        if !downbeatFixed, barEnergy[strongest] > barEnergy[downbeatSlot] * Self.downbeatSwitchRatio { downbeatSlot = strongest }
        let position = barPosition(ofBeat: beatCount)
        beatCount += 1
        framesSinceBeat = 0
        return Beat(index: beatCount - 1, barPosition: position)
    }

    private func barPosition(ofBeat index: Int) -> Int {
        (index % beatsPerBar - downbeatSlot + beatsPerBar) % beatsPerBar + 1
    }

    /// The next beat, as predicted after this frame: how many frames after this one it will be
    /// reported, its index and bar position; nil while there is no tempo or no beat yet.
    func nextBeat(periodFrames: Float) -> (framesAhead: Int, index: Int, barPosition: Int)? {
        guard periodFrames > 0 else { return nil }
        let ahead: Int
        if framesToBeat >= 0 {
            ahead = framesToBeat + 1
        } else if beatCount > 0 {
            // Not predicted yet: one period after the last beat.
            ahead = max(1, Int(periodFrames.rounded()) - framesSinceBeat)
        } else {
            return nil
        }
        return (ahead, beatCount, barPosition(ofBeat: beatCount))
    }

    // MARK: Controls from the stage (real-time safe)

    /// The beat nearest to now becomes the first of its bar, and stays so: the latest one, or the
    /// coming one when the performer is early (in the second half of the period).
    func markDownbeat(periodFrames: Float) {
        let early = periodFrames > 0 && beatCount > 0 && Float(framesSinceBeat) > periodFrames / 2
        downbeatSlot = (early ? beatCount : max(0, beatCount - 1)) % beatsPerBar
        downbeatFixed = true
    }

    /// A new meter; the bar is counted from the latest beat again (or found anew when not fixed).
    func setMeter(_ count: Int) {
        beatsPerBar = min(max(count, 1), Self.maximumBeatsPerBar)
        for i in 0..<Self.maximumBeatsPerBar { barEnergy[i] = 0 }
        downbeatSlot = downbeatFixed ? max(0, beatCount - 1) % beatsPerBar : 0
    }

    /// The next beat one period after now (a tap): the prediction resumes after that beat.
    func alignBeat(periodFrames: Float) {
        framesToBeat = max(0, Int(periodFrames.rounded()) - 1)
        framesToPrediction = -1
    }

    /// The tempo moved to a new value (not a drift): the next ``changeSeconds`` weigh the
    /// present more. Real-time safe.
    func followTempoChange() {
        changeFrames = Int((Self.changeSeconds * frameRate).rounded())
    }

    /// Forgets the beat phase and the bar (beat indices keep counting).
    func reset() {
        changeFrames = 0
        for i in 0..<score.count { score[i] = 0 }
        for i in 0..<Self.maximumBeatsPerBar { barEnergy[i] = 0 }
        framesToBeat = -1
        framesToPrediction = -1
        downbeatSlot = 0
        downbeatFixed = false
    }

    private func pushScore(_ value: Float) {
        score[scoreHead] = value
        scoreHead = (scoreHead + 1) % score.count
    }

    /// `weights[d]` for a candidate `d` frames back, over `period / 2 … 2 · period`.
    private func computeWeights(_ period: Float) {
        weightsPeriod = period
        for d in 0..<weights.count {
            guard d > 0, Float(d) >= period / 2, Float(d) <= 2 * period else {
                weights[d] = 0
                continue
            }
            let x = Self.tightness * log(Float(d) / period)
            weights[d] = exp(-0.5 * x * x)
        }
    }

    /// max over d of weights[d] · buffer[head - d] for the circular `buffer` whose newest value is at `head - 1`.
    @inline(__always)
    private func bestPrevious(in buffer: UnsafeMutableBufferPointer<Float>, head: Int, period: Float) -> Float {
        let low = max(1, Int((period / 2).rounded(.up))), high = min(weights.count - 1, Int(2 * period))
        guard low <= high else { return 0 }
        var best: Float = 0
        let size = buffer.count
        for d in low...high {
            best = max(best, weights[d] * buffer[(head - d + 2 * size) % size])
        }
        return best
    }

    /// Projects the cumulative score one period ahead with no new input and schedules the next beat
    /// at its maximum under a Gaussian expectation centred half a period ahead.
    private func predictNextBeat(period: Float) {
        let past = score.count
        for i in 0..<past { future[i] = score[(scoreHead + i) % past] }
        let ahead = Int(period.rounded())
        // With nothing in the score (silence, or only taps so far) the beat stays one period after the last.
        var bestValue: Float = 1e-12, bestOffset = min(ahead - 1, max(0, ahead - framesSinceBeat))
        let centre = period / 2, width = period / 2
        for step in 0..<ahead {
            let position = past + step
            let low = max(1, Int((period / 2).rounded(.up))), high = min(weights.count - 1, Int(2 * period))
            var best: Float = 0
            if low <= high {
                for d in low...high where position - d >= 0 { best = max(best, weights[d] * future[position - d]) }
            }
            future[position] = Self.alpha * best
            let distance = (Float(step) - centre) / width
            let expectation = future[position] * exp(-0.5 * distance * distance)
            if expectation > bestValue {
                bestValue = expectation
                bestOffset = step
            }
        }
        framesToBeat = bestOffset
    }
}
