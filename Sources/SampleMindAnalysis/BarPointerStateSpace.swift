import Glibc

/// The bar-pointer state space of Krebs, Böck & Widmer, "An efficient state-space model for joint
/// tempo and meter tracking" (ISMIR 2015), laid out as madmom's `BarStateSpace` and
/// `BarTransitionModel` do: one bar per (meter, beat interval), each a run of `meter · interval`
/// positions one frame apart, and an exponential tempo change at every beat boundary.
///
/// Only the layout and the fixed tables live here; ``BarPointerDecoder`` owns the probabilities.
/// Bars are numbered `meterIndex · tempoCount + tempoIndex`.
final class BarPointerStateSpace {
    static let minimumBPM = 55.0
    static let maximumBPM = 215.0
    static let maximumTempoCount = 60
    /// How strongly the tempo keeps from one beat to the next: a change to `τ'` from `τ` has weight
    /// exp(−λ·|τ'/τ − 1|) (madmom's `transition_lambda`).
    static let tempoChangeLambda = 150.0
    /// Tempo changes weaker than this fraction of staying put are left out of the sparse matrix.
    static let transitionThreshold = 1e-7
    /// The first 1/16 of each beat (at least one frame) are its beat states (madmom's `observation_lambda`).
    static let observationLambda = 16

    let meterCount: Int
    let tempoCount: Int
    let barCount: Int
    let stateCount: Int
    /// Beats per bar, by meter index.
    let meters: UnsafeMutableBufferPointer<Int>
    /// Beat intervals in frames, shortest (fastest) first, by tempo index.
    let intervals: UnsafeMutableBufferPointer<Int>
    /// Frames at the start of each beat that are beat states, by tempo index.
    let regionLengths: UnsafeMutableBufferPointer<Int>
    /// The frame within each beat taken as the beat itself, by tempo index: the middle of the beat
    /// states, because the filter puts their start on the first frame of an activation peak.
    let beatMoments: UnsafeMutableBufferPointer<Int>
    /// Where each bar starts in the decoder's probability buffer, and its length in frames.
    let barOffsets: UnsafeMutableBufferPointer<Int>
    let barLengths: UnsafeMutableBufferPointer<Int>
    /// Tempo change probabilities, `transition[to · tempoCount + from]`, rows (from) summing to 1.
    let transition: UnsafeMutableBufferPointer<Float>
    /// For each target tempo, the first and last source tempo with a non-zero transition.
    let sourceLow: UnsafeMutableBufferPointer<Int>
    let sourceHigh: UnsafeMutableBufferPointer<Int>

    /// Not real-time safe: allocates. `meters` must be valid (checked by the decoder).
    init(frameRate: Double, meters meterList: [Int]) {
        meterCount = meterList.count
        meters = .allocate(capacity: meterCount)
        _ = meters.initialize(from: meterList)

        let tempoList = Self.beatIntervals(frameRate: frameRate)
        tempoCount = tempoList.count
        intervals = .allocate(capacity: tempoCount)
        _ = intervals.initialize(from: tempoList)
        regionLengths = .allocate(capacity: tempoCount)
        beatMoments = .allocate(capacity: tempoCount)
        for (i, interval) in tempoList.enumerated() {
            let region = max(1, interval / Self.observationLambda)
            regionLengths[i] = region
            beatMoments[i] = (region - 1) / 2
        }

        barCount = meterCount * tempoCount
        barOffsets = .allocate(capacity: barCount)
        barLengths = .allocate(capacity: barCount)
        var offset = 0
        for (m, beats) in meterList.enumerated() {
            for (i, interval) in tempoList.enumerated() {
                barOffsets[m * tempoCount + i] = offset
                barLengths[m * tempoCount + i] = beats * interval
                offset += beats * interval
            }
        }
        stateCount = offset

        transition = .allocate(capacity: tempoCount * tempoCount)
        transition.initialize(repeating: 0)
        sourceLow = .allocate(capacity: tempoCount)
        sourceLow.initialize(repeating: tempoCount)
        sourceHigh = .allocate(capacity: tempoCount)
        sourceHigh.initialize(repeating: -1)
        for from in 0..<tempoCount {
            var weights = [Double](repeating: 0, count: tempoCount)
            for to in 0..<tempoCount {
                let ratio = Double(tempoList[to]) / Double(tempoList[from])
                let weight = exp(-Self.tempoChangeLambda * abs(ratio - 1))
                // Staying has weight 1, the row's largest.
                weights[to] = weight >= Self.transitionThreshold ? weight : 0
            }
            let sum = weights.reduce(0, +)
            for to in 0..<tempoCount where weights[to] > 0 {
                transition[to * tempoCount + from] = Float(weights[to] / sum)
                sourceLow[to] = min(sourceLow[to], from)
                sourceHigh[to] = max(sourceHigh[to], from)
            }
        }
    }

    deinit {
        meters.deallocate()
        intervals.deallocate()
        regionLengths.deallocate()
        beatMoments.deallocate()
        barOffsets.deallocate()
        barLengths.deallocate()
        transition.deallocate()
        sourceLow.deallocate()
        sourceHigh.deallocate()
    }

    /// Whole-frame beat intervals from 215 down to 55 BPM: every one when there are at most
    /// ``maximumTempoCount``, else that many spaced log-uniformly (as madmom's `BeatStateSpace`,
    /// which adds points until rounding leaves enough distinct intervals).
    static func beatIntervals(frameRate: Double) -> [Int] {
        let shortest = max(1, Int((60 * frameRate / maximumBPM).rounded()))
        let longest = max(shortest, Int((60 * frameRate / minimumBPM).rounded()))
        guard longest - shortest + 1 > maximumTempoCount else { return Array(shortest...longest) }
        var points = maximumTempoCount
        while true {
            var unique: [Int] = []
            let low = log2(Double(shortest)), high = log2(Double(longest))
            for k in 0..<points {
                let interval = Int(exp2(low + (high - low) * Double(k) / Double(points - 1)).rounded())
                if unique.last != interval { unique.append(interval) }
            }
            if unique.count >= maximumTempoCount { return unique }
            points += 1
        }
    }
}
