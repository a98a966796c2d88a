import Glibc
import SampleMindInference

/// Causal beat, downbeat, tempo and meter decoding from a network's beat and downbeat activations,
/// by online forward filtering over the bar-pointer state space of Krebs, Böck & Widmer (ISMIR
/// 2015) with the observation model of Böck, Krebs & Widmer, "Joint beat and downbeat tracking
/// with recurrent neural networks" (ISMIR 2016), as madmom's `DBNDownBeatTrackingProcessor` in its
/// online form.
///
/// Each bar (meter, beat interval) is a ring buffer, so moving every state one frame on is a change
/// of the ring's head; probability mass crosses between tempos (and, at bar ends, meters) only at
/// beat boundaries, through a sparse matrix. The no-beat density is divided out of the
/// observation, so only the few beat states of each bar are multiplied. Sums per bar are kept up
/// to date from those changes, and a few bars a frame are summed afresh against drift; the buffer
/// is rescaled only when the total leaves a wide range. The estimate is the most likely meter, its
/// most likely tempo, and that bar's most likely position.
///
/// Algorithmic delay: none beyond the activations'; a beat is reported on the frame the decoder
/// places it, and ``nextBeat()`` predicts the following one. Call everything from one thread, the
/// analysis thread, as the other trackers are.
final class BarPointerDecoder {
    /// Chance of changing meter at the end of a bar.
    static let meterChangeProbability: Float = 1e-4
    /// Initial share of the preferred meter (the others share the rest).
    static let preferredMeterPrior: Float = 0.7
    /// Beat activations stay below this for ``silenceSeconds`` in silence and noise…
    static let activityThreshold: Float = 0.25
    /// …after which the decoder stops and, when activity returns, starts from a flat distribution.
    static let silenceSeconds = 3.0
    /// Smallest value of each observation density, so that one surprising frame (an activation of
    /// exactly 1 off the beat) costs a hypothesis a bounded factor rather than everything.
    static let observationFloor: Float = 0.05
    /// Tempo and confidence are taken from the posterior within this fraction of the likeliest tempo.
    static let tempoWindow = 0.04
    /// Beats are reported once this much of the posterior has stayed within ``tempoWindow`` of one
    /// tempo for ``lockBeats`` of its beats: two pulses alone make any tempo look certain.
    static let lockConfidence: Float = 0.5
    static let lockBeats = 2
    /// The probability buffer is rescaled when its total leaves 2^−40…2^40.
    static let rescaleLimit = 0x1p40
    /// Values below this are set to zero, so the filter never computes with subnormal floats.
    static let flushLevel: Float = 1e-30
    /// Bars summed afresh each frame, against rounding drift in the running sums.
    static let resummedBarsPerFrame = 2

    /// A beat found in this frame: its running index and position in the bar (1 = downbeat).
    struct Beat: Equatable { var index: Int; var barPosition: Int }

    let frameRate: Double
    let space: BarPointerStateSpace
    var stateCount: Int { space.stateCount }

    private let mass: UnsafeMutableBufferPointer<Float>
    /// Physical index in its bar of each bar's position 0.
    private let heads: UnsafeMutableBufferPointer<Int>
    private let barSums: UnsafeMutableBufferPointer<Double>
    private let meterPriors: UnsafeMutableBufferPointer<Float>
    private let ends: UnsafeMutableBufferPointer<Float>
    private let mixed: UnsafeMutableBufferPointer<Float>
    private let beatTotals: UnsafeMutableBufferPointer<Float>
    /// Tempo indices within ``tempoWindow`` of each tempo.
    private let windowLow: UnsafeMutableBufferPointer<Int>
    private let windowHigh: UnsafeMutableBufferPointer<Int>
    private let silenceFrames: Int

    private var total: Double = 1
    private var nextResummedBar = 0
    private var framesSinceActivity: Int
    private var active = false
    private var tracking = false
    /// While not tracking: the tempo the posterior has gathered around, and for how many frames.
    private var lockTempo = -1
    private var framesSteady = 0

    // Stage settings.
    private var heldTempo = -1
    private var heldBPM: Float = 0
    private var restrictedMeter = -1
    /// Beats per bar counted here, for a meter the model lacks (0: the model's).
    private var countedBeatsPerBar = 0
    private var countReference = 0
    private var downbeatMarked = false

    // The estimate.
    private let preferredMeter: Int
    private var mapMeter: Int
    private var mapBar = -1
    private var mapPosition = 0
    private var previousPhase = -1
    private var framesSinceBeat = Int.max / 2
    private var beatCount = 0
    private var lastModelDownbeat = -1

    /// The tempo in BPM, 0 while not tracking.
    private(set) var bpm: Float = 0
    /// Share of the posterior within ±4 % of the likeliest tempo (0…1), 0 while silent.
    private(set) var confidence: Float = 0
    /// The likeliest meter, or the one set from the stage.
    var beatsPerBar: Int { countedBeatsPerBar > 0 ? countedBeatsPerBar : space.meters[mapMeter] }

    /// Not real-time safe: allocates. Throws when the rate is outside 10…1000 frames per second,
    /// when `meters` is empty, repeats or holds a count outside 1…16, or lacks `preferredBeatsPerBar`.
    init(frameRate: Double, meters: [Int] = [3, 4], preferredBeatsPerBar: Int = 4) throws(AnalysisError) {
        guard frameRate.isFinite, (10...1000).contains(frameRate) else {
            throw AnalysisError.invalidConfiguration("bar-pointer decoder frame rate \(frameRate) is outside 10–1000 frames per second; check the hop size and sample rate")
        }
        guard !meters.isEmpty, meters.allSatisfy({ StageControl.meterRange.contains($0) }), Set(meters).count == meters.count else {
            throw AnalysisError.invalidConfiguration("bar-pointer decoder meters \(meters) must be distinct beat counts from 1 to 16, at least one")
        }
        guard let preferred = meters.firstIndex(of: preferredBeatsPerBar) else {
            throw AnalysisError.invalidConfiguration("preferred meter \(preferredBeatsPerBar) is not among the modelled meters \(meters); pass one of them")
        }
        self.frameRate = frameRate
        space = BarPointerStateSpace(frameRate: frameRate, meters: meters)
        let tempos = space.tempoCount
        mass = .allocate(capacity: space.stateCount)
        mass.initialize(repeating: 0)
        heads = .allocate(capacity: space.barCount)
        heads.initialize(repeating: 0)
        barSums = .allocate(capacity: space.barCount)
        barSums.initialize(repeating: 0)
        meterPriors = .allocate(capacity: meters.count)
        let others = meters.count > 1 ? (1 - Self.preferredMeterPrior) / Float(meters.count - 1) : 0
        for m in 0..<meters.count { meterPriors[m] = m == preferred ? (meters.count > 1 ? Self.preferredMeterPrior : 1) : others }
        ends = .allocate(capacity: meters.count * tempos)
        ends.initialize(repeating: 0)
        mixed = .allocate(capacity: meters.count * tempos)
        mixed.initialize(repeating: 0)
        beatTotals = .allocate(capacity: StageControl.meterRange.upperBound)
        beatTotals.initialize(repeating: 0)
        windowLow = .allocate(capacity: tempos)
        windowHigh = .allocate(capacity: tempos)
        for i in 0..<tempos {
            let centre = Double(space.intervals[i])
            var low = i, high = i
            while low > 0, Double(space.intervals[low - 1]) >= centre * (1 - Self.tempoWindow) { low -= 1 }
            while high < tempos - 1, Double(space.intervals[high + 1]) <= centre * (1 + Self.tempoWindow) { high += 1 }
            windowLow[i] = low
            windowHigh[i] = high
        }
        silenceFrames = max(1, Int((Self.silenceSeconds * frameRate).rounded()))
        framesSinceActivity = silenceFrames
        preferredMeter = preferred
        mapMeter = preferred
    }

    deinit {
        mass.deallocate()
        heads.deallocate()
        barSums.deallocate()
        meterPriors.deallocate()
        ends.deallocate()
        mixed.deallocate()
        beatTotals.deallocate()
        windowLow.deallocate()
        windowHigh.deallocate()
    }

    // MARK: Processing

    /// Takes this frame's beat and downbeat activations (0…1); returns the beat placed on this
    /// frame, if any. Real-time safe: no allocation, locks or system calls.
    func process(beat: Float, downbeat: Float) -> Beat? {
        let beat = beat.isFinite ? min(max(beat, 0), 1) : 0
        let downbeat = downbeat.isFinite ? min(max(downbeat, 0), 1) : 0
        framesSinceActivity = beat >= Self.activityThreshold ? 0 : min(framesSinceActivity + 1, silenceFrames)
        framesSinceBeat = min(framesSinceBeat + 1, Int.max / 2)
        guard framesSinceActivity < silenceFrames else {
            if active { stop() }
            return nil
        }
        if !active {
            active = true
            restart()
        }
        advance()
        observe(beat: beat, downbeat: downbeat)
        normalise()
        estimate()
        return reportBeat()
    }

    /// The next beat as now predicted: frames after this one until it, its index and bar position;
    /// nil while not tracking. Real-time safe: no allocation, locks or system calls.
    func nextBeat() -> (framesAhead: Int, index: Int, barPosition: Int)? {
        guard tracking, mapBar >= 0 else { return nil }
        let (beatInBar, phase) = beatAndPhase(bar: mapBar, position: mapPosition)
        let interval = space.intervals[mapBar % space.tempoCount]
        let meter = space.meters[mapBar / space.tempoCount]
        return (interval - phase, beatCount, barPosition(modelBeat: (beatInBar + 1) % meter, index: beatCount))
    }

    /// Moves every state one frame on: a change of each ring's head, then the tempo (and, at bar
    /// ends, meter) transitions for the mass that crossed a beat boundary.
    private func advance() {
        let tempos = space.tempoCount
        for b in 0..<space.barCount {
            heads[b] = heads[b] == 0 ? space.barLengths[b] - 1 : heads[b] - 1
        }
        // The cell of each beat's new first position holds what was the previous beat's last.
        for m in 0..<space.meterCount where meterAllowed(m) {
            for i in 0..<tempos { ends[m * tempos + i] = mass[cell(bar: m * tempos + i, position: 0)] }
        }
        let canChangeMeter = restrictedMeter < 0 && space.meterCount > 1
        let change = canChangeMeter ? Self.meterChangeProbability : 0
        let share = space.meterCount > 1 ? change / Float(space.meterCount - 1) : 0
        for i in 0..<tempos {
            var all: Float = 0
            for m in 0..<space.meterCount { all += ends[m * tempos + i] }
            for m in 0..<space.meterCount {
                let own = ends[m * tempos + i]
                mixed[m * tempos + i] = canChangeMeter ? (1 - change) * own + share * (all - own) : own
            }
        }
        for m in 0..<space.meterCount where meterAllowed(m) {
            changeTempo(meter: m, beat: 0, from: mixed.baseAddress! + m * tempos)
            for k in 1..<space.meters[m] {
                for i in 0..<tempos { ends[m * tempos + i] = mass[cell(bar: m * tempos + i, position: k * space.intervals[i])] }
                changeTempo(meter: m, beat: k, from: ends.baseAddress! + m * tempos)
            }
        }
    }

    /// Writes the first state of beat `beat` of every tempo of meter `meter` from the mass that
    /// left the previous beat (`source`, by tempo), and books the change in the bar sums. The old
    /// content of those cells is still in ``ends``.
    @inline(__always)
    private func changeTempo(meter m: Int, beat k: Int, from source: UnsafeMutablePointer<Float>) {
        let tempos = space.tempoCount
        let transition = space.transition.baseAddress!
        for to in 0..<tempos {
            var value: Float
            if heldTempo >= 0 {
                value = source[to]
            } else {
                let from = space.sourceLow[to]
                value = VectorMath.dot(transition + to * tempos + from, source + from, count: space.sourceHigh[to] - from + 1)
            }
            if value < Self.flushLevel { value = 0 }
            let b = m * tempos + to
            let c = cell(bar: b, position: k * space.intervals[to])
            barSums[b] += Double(value) - Double(ends[m * tempos + to])
            mass[c] = value
        }
    }

    /// Multiplies the beat and downbeat states by their density over the no-beat density.
    private func observe(beat: Float, downbeat: Float) {
        let lambda = Float(BarPointerStateSpace.observationLambda)
        let noBeat = max((1 - beat) / (lambda - 1), Self.observationFloor)
        let usesDownbeats = !downbeatMarked && countedBeatsPerBar == 0
        let beatWeight = max(usesDownbeats ? beat - downbeat : beat, Self.observationFloor) / noBeat
        let downbeatWeight = max(usesDownbeats ? downbeat : beat, Self.observationFloor) / noBeat
        let tempos = space.tempoCount
        for m in 0..<space.meterCount where meterAllowed(m) {
            for i in 0..<tempos where heldTempo < 0 || heldTempo == i {
                let b = m * tempos + i
                let offset = space.barOffsets[b], length = space.barLengths[b], head = heads[b]
                let interval = space.intervals[i], region = space.regionLengths[i]
                var change: Double = 0
                for k in 0..<space.meters[m] {
                    let weight = k == 0 ? downbeatWeight : beatWeight
                    var index = head + k * interval
                    if index >= length { index -= length }
                    // The region may wrap past the ring's end: at most two runs of cells.
                    let first = min(region, length - index)
                    change += Self.scale(mass.baseAddress! + offset + index, count: first, by: weight)
                    change += Self.scale(mass.baseAddress! + offset, count: region - first, by: weight)
                }
                barSums[b] += change
            }
        }
    }

    /// Multiplies `count` cells by `weight`, flushing tiny results to zero; returns how much their
    /// sum changed. Real-time safe.
    @inline(__always)
    private static func scale(_ cells: UnsafeMutablePointer<Float>, count: Int, by weight: Float) -> Double {
        var before: Float = 0, after: Float = 0
        for j in 0..<count {
            let old = cells[j]
            var new = old * weight
            if new < flushLevel { new = 0 }
            cells[j] = new
            before += old
            after += new
        }
        return Double(after) - Double(before)
    }

    /// Sums a few bars afresh and the total; rescales everything when the total leaves its range.
    private func normalise() {
        for _ in 0..<Self.resummedBarsPerFrame {
            resum(bar: nextResummedBar, scale: 1)
            nextResummedBar = (nextResummedBar + 1) % space.barCount
        }
        total = 0
        for b in 0..<space.barCount {
            if !(barSums[b] > 0) { barSums[b] = 0 }
            total += barSums[b]
        }
        if !total.isFinite || total <= 0 {
            restart()
        } else if total > Self.rescaleLimit || total < 1 / Self.rescaleLimit {
            let scale = Float(1 / total)
            total = 0
            for b in 0..<space.barCount {
                resum(bar: b, scale: scale)
                total += barSums[b]
            }
        }
    }

    /// Multiplies bar `b` by `scale`, flushes tiny values and sets its sum exactly.
    private func resum(bar b: Int, scale: Float) {
        let offset = space.barOffsets[b]
        var sum: Double = 0
        for j in offset..<(offset + space.barLengths[b]) {
            var value = mass[j] * scale
            if value < Self.flushLevel { value = 0 }
            mass[j] = value
            sum += Double(value)
        }
        barSums[b] = sum
    }

    /// The likeliest meter (summed over tempos), its likeliest tempo, and that bar's likeliest
    /// position; tempo and confidence from the posterior near that tempo.
    private func estimate() {
        let tempos = space.tempoCount
        var bestMeter = 0, bestMeterSum = -1.0
        for m in 0..<space.meterCount where meterAllowed(m) {
            var sum = 0.0
            for i in 0..<tempos { sum += barSums[m * tempos + i] }
            if sum > bestMeterSum {
                bestMeterSum = sum
                bestMeter = m
            }
        }
        var bestTempo = 0
        for i in 1..<max(tempos, 1) where barSums[bestMeter * tempos + i] > barSums[bestMeter * tempos + bestTempo] { bestTempo = i }
        let b = bestMeter * tempos + bestTempo
        let offset = space.barOffsets[b], length = space.barLengths[b]
        var bestIndex = 0, bestValue: Float = -1
        for j in 0..<length where mass[offset + j] > bestValue {
            bestValue = mass[offset + j]
            bestIndex = j
        }
        mapMeter = bestMeter
        mapBar = b
        mapPosition = bestIndex >= heads[b] ? bestIndex - heads[b] : bestIndex - heads[b] + length

        var near = 0.0, weightedInterval = 0.0
        for m in 0..<space.meterCount {
            for i in windowLow[bestTempo]...windowHigh[bestTempo] {
                near += barSums[m * tempos + i]
                weightedInterval += barSums[m * tempos + i] * Double(space.intervals[i])
            }
        }
        confidence = total > 0 ? Float(min(1, near / total)) : 0
        if !tracking {
            let steady = confidence >= Self.lockConfidence && lockTempo >= 0
                && bestTempo >= windowLow[lockTempo] && bestTempo <= windowHigh[lockTempo]
            if steady {
                framesSteady += 1
            } else {
                framesSteady = 0
                lockTempo = bestTempo
            }
            tracking = framesSteady >= Self.lockBeats * space.intervals[lockTempo]
        }
        if !tracking {
            bpm = 0
        } else if heldTempo >= 0 {
            bpm = heldBPM
        } else {
            bpm = near > 0 ? Float(60 * frameRate * near / weightedInterval) : 0
        }
    }

    /// A beat when the likeliest state's beat phase has wrapped to the start of a beat, and no beat
    /// was reported in the last half interval.
    private func reportBeat() -> Beat? {
        guard tracking, mapBar >= 0 else {
            previousPhase = -1
            return nil
        }
        let (beatInBar, phase) = beatAndPhase(bar: mapBar, position: mapPosition)
        let interval = space.intervals[mapBar % space.tempoCount]
        defer { previousPhase = phase }
        guard previousPhase >= 0, phase < previousPhase, phase <= interval / 4, framesSinceBeat >= (interval + 1) / 2 else {
            return nil
        }
        if beatInBar == 0 { lastModelDownbeat = beatCount }
        let found = Beat(index: beatCount, barPosition: barPosition(modelBeat: beatInBar, index: beatCount))
        beatCount += 1
        framesSinceBeat = 0
        return found
    }

    // MARK: Controls from the stage (real-time safe; each touches every state at most a few times)

    /// Holds the tempo nearest `bpm` (the mass of the other tempos moves there at the same place in
    /// the beat) until `holdTempo(bpm: 0)` or ``reset()``. Real-time safe: no allocation, locks or system calls.
    func holdTempo(bpm: Float) {
        guard bpm.isFinite, bpm > 0 else {
            heldTempo = -1
            heldBPM = 0
            return
        }
        let target = 60 * frameRate / Double(bpm)
        var nearest = 0
        for i in 0..<space.tempoCount where abs(log(Double(space.intervals[i]) / target)) < abs(log(Double(space.intervals[nearest]) / target)) {
            nearest = i
        }
        heldTempo = nearest
        heldBPM = bpm
        guard active else { return }
        let tempos = space.tempoCount
        for m in 0..<space.meterCount {
            let target = m * tempos + nearest
            let targetInterval = space.intervals[nearest]
            for i in 0..<tempos where i != nearest {
                let b = m * tempos + i, interval = space.intervals[i]
                for q in 0..<space.barLengths[b] {
                    let beatInBar = q / interval
                    let phase = min(targetInterval - 1, (q % interval * targetInterval + interval / 2) / interval)
                    let from = cell(bar: b, position: position(bar: b, beat: beatInBar, phase: q % interval))
                    let to = cell(bar: target, position: position(bar: target, beat: beatInBar, phase: phase))
                    mass[to] += mass[from]
                    mass[from] = 0
                }
            }
        }
        resumAll()
    }

    /// The beat nearest now becomes the first of its bar in every bar hypothesis, and stays the
    /// reference (the downbeat activation is no longer used) until ``reset()``.
    /// Real-time safe: no allocation, locks or system calls.
    func markDownbeat() {
        // In silence there is no beat near now to mark.
        guard active else { return }
        if countedBeatsPerBar > 0 { countReference = nearestBeatIndex() }
        downbeatMarked = true
        let tempos = space.tempoCount
        for b in 0..<space.barCount where meterAllowed(b / tempos) {
            let interval = space.intervals[b % tempos], meter = space.meters[b / tempos]
            for phase in 0..<interval {
                var sum: Float = 0
                for k in 0..<meter {
                    let c = cell(bar: b, position: position(bar: b, beat: k, phase: phase))
                    sum += mass[c]
                    mass[c] = 0
                }
                // Early in a beat the nearest is the one just begun, late in it the coming one.
                let beatInBar = phase < interval / 2 ? 0 : meter - 1
                mass[cell(bar: b, position: position(bar: b, beat: beatInBar, phase: phase))] = sum
            }
        }
        resumAll()
        estimate()
    }

    /// Beats per bar from the stage (1…16). A modelled meter keeps only its own states; another
    /// count is tracked with the closest modelled meter's beats and counted here, from the latest
    /// downbeat (or the marked one). Holds until ``reset()`` or another call.
    /// Real-time safe: no allocation, locks or system calls.
    func setMeter(_ count: Int) {
        let count = min(max(count, StageControl.meterRange.lowerBound), StageControl.meterRange.upperBound)
        var closest = 0
        for m in 1..<max(space.meterCount, 1) where abs(space.meters[m] - count) < abs(space.meters[closest] - count) { closest = m }
        if space.meters[closest] == count {
            countedBeatsPerBar = 0
        } else {
            if countedBeatsPerBar == 0, !downbeatMarked { countReference = lastModelDownbeat >= 0 ? lastModelDownbeat : beatCount }
            countedBeatsPerBar = count
        }
        restrictedMeter = closest
        mapMeter = closest
        guard active else { return }
        let tempos = space.tempoCount
        for m in 0..<space.meterCount where m != closest {
            for i in 0..<tempos {
                let b = m * tempos + i, target = closest * tempos + i, interval = space.intervals[i]
                for q in 0..<space.barLengths[b] {
                    let from = cell(bar: b, position: position(bar: b, beat: q / interval, phase: q % interval))
                    let to = cell(bar: target, position: position(bar: target, beat: q / interval % space.meters[closest], phase: q % interval))
                    mass[to] += mass[from]
                    mass[from] = 0
                }
            }
        }
        resumAll()
        estimate()
    }

    /// A tap: a beat falls on the next frame. Every bar hypothesis keeps its tempo and moves its
    /// mass to the start of its nearest beat. Real-time safe: no allocation, locks or system calls.
    func alignBeat() {
        guard active else { return }
        let tempos = space.tempoCount
        for b in 0..<space.barCount where meterAllowed(b / tempos) {
            let interval = space.intervals[b % tempos], meter = space.meters[b / tempos]
            for k in 0..<meter { beatTotals[k] = 0 }
            for q in 0..<space.barLengths[b] {
                let c = cell(bar: b, position: position(bar: b, beat: q / interval, phase: q % interval))
                let nearest = q % interval < interval / 2 ? q / interval : (q / interval + 1) % meter
                beatTotals[nearest] += mass[c]
                mass[c] = 0
            }
            // One frame before each beat, so the next frame is the beat.
            for k in 0..<meter {
                let previous = (k + meter - 1) % meter
                mass[cell(bar: b, position: position(bar: b, beat: previous, phase: interval - 1))] = beatTotals[k]
            }
        }
        resumAll()
        previousPhase = Int.max / 2
        estimate()
    }

    /// Forgets tempo, phase, meter and every stage setting, and starts from the flat distribution
    /// (beat indices keep counting). Real-time safe: no allocation, locks or system calls.
    func reset() {
        heldTempo = -1
        heldBPM = 0
        restrictedMeter = -1
        countedBeatsPerBar = 0
        countReference = 0
        downbeatMarked = false
        lastModelDownbeat = -1
        mapMeter = preferredMeter
        if active { restart() } else { stop() }
    }

    // MARK: Helpers

    /// The flat distribution over the allowed states, each meter with its prior.
    private func restart() {
        let tempos = space.tempoCount
        var meterWeight: Float = 0
        for m in 0..<space.meterCount where meterAllowed(m) { meterWeight += meterPriors[m] }
        for m in 0..<space.meterCount {
            var states = 0
            for i in 0..<tempos where heldTempo < 0 || heldTempo == i { states += space.barLengths[m * tempos + i] }
            let value = meterAllowed(m) ? meterPriors[m] / meterWeight / Float(states) : 0
            for i in 0..<tempos {
                let b = m * tempos + i
                let barValue = heldTempo < 0 || heldTempo == i ? value : 0
                heads[b] = 0
                let offset = space.barOffsets[b], length = space.barLengths[b]
                for j in offset..<(offset + length) { mass[j] = barValue }
                barSums[b] = Double(barValue) * Double(length)
            }
        }
        total = 1
        tracking = false
        lockTempo = -1
        framesSteady = 0
        bpm = 0
        confidence = 0
        mapBar = -1
        previousPhase = -1
    }

    /// Silence: nothing is tracked and nothing of the phase is kept.
    private func stop() {
        active = false
        tracking = false
        bpm = 0
        confidence = 0
        mapBar = -1
        previousPhase = -1
        downbeatMarked = false
    }

    private func resumAll() {
        total = 0
        for b in 0..<space.barCount {
            resum(bar: b, scale: 1)
            total += barSums[b]
        }
        if !(total > 0) { restart() }
    }

    @inline(__always)
    private func meterAllowed(_ m: Int) -> Bool { restrictedMeter < 0 || restrictedMeter == m }

    /// Index in ``mass`` of `position` (0 ..< bar length) of bar `b`.
    @inline(__always)
    private func cell(bar b: Int, position: Int) -> Int {
        let length = space.barLengths[b]
        let index = heads[b] + position
        return space.barOffsets[b] + (index >= length ? index - length : index)
    }

    /// The position in bar `b` that is `phase` frames after the moment of beat `beat`.
    @inline(__always)
    private func position(bar b: Int, beat: Int, phase: Int) -> Int {
        let tempo = b % space.tempoCount
        return (beat * space.intervals[tempo] + phase + space.beatMoments[tempo]) % space.barLengths[b]
    }

    /// Which beat of the bar position `p` of bar `b` belongs to, and the frames since that beat's moment.
    @inline(__always)
    private func beatAndPhase(bar b: Int, position p: Int) -> (beat: Int, phase: Int) {
        let tempo = b % space.tempoCount, length = space.barLengths[b], interval = space.intervals[tempo]
        let q = (p - space.beatMoments[tempo] + length) % length
        return (q / interval, q % interval)
    }

    private func barPosition(modelBeat: Int, index: Int) -> Int {
        guard countedBeatsPerBar > 0 else { return modelBeat + 1 }
        return ((index - countReference) % countedBeatsPerBar + countedBeatsPerBar) % countedBeatsPerBar + 1
    }

    /// The index of the reported beat nearest now: the latest early in a beat, else the coming one.
    private func nearestBeatIndex() -> Int {
        guard tracking, mapBar >= 0 else { return beatCount }
        let phase = beatAndPhase(bar: mapBar, position: mapPosition).phase
        return phase < space.intervals[mapBar % space.tempoCount] / 2 ? max(0, beatCount - 1) : beatCount
    }
}
