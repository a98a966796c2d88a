import SampleMindDSP

/// Causal onset detection after SuperFlux (Böck & Widmer, "Maximum filter vibrato suppression for
/// onset detection", DAFx 2013): log-magnitude bands at 24 per octave, the positive difference
/// to a frequency-maximum-filtered previous frame, then online peak picking with an adaptive
/// threshold (Böck et al., "Evaluating the online capabilities of onset detection methods", ISMIR 2012).
///
/// Levels are taken relative to a slowly decaying running peak, so a quiet recording detects as
/// well as a loud one, while anything 60 dB below the recent peak (or below −110 dBFS) is ignored.
///
/// Algorithmic delay: half a window (the spectrum's centre) plus one hop of look-ahead for the peak.
final class OnsetDetector {
    static let bandsPerOctave = 24.0
    static let dynamicRangeDB: Float = 60
    static let absoluteFloorDB: Float = -110
    /// How fast the running peak falls, in dB per second.
    static let peakReleaseDBPerSecond: Float = 3
    /// Peak picking: a peak must be the maximum of the last 30 ms and the next hop, exceed the
    /// mean of the last 100 ms by `threshold`, and come 30 ms or more after the previous onset.
    static let preMaxSeconds = 0.03
    static let preAverageSeconds = 0.10
    static let combineSeconds = 0.03
    static let threshold: Float = 0.01
    /// …and be `relativeThreshold` times the mean of the last second: stationary noise makes a
    /// high, restless detection function whose peaks stay below that, while attacks stand far above.
    static let longAverageSeconds = 1.0
    static let relativeThreshold: Float = 2.7
    /// Bands below this frequency (kick drums, bass) feed the low-frequency flux used for downbeats.
    static let lowBandLimitHz: Float = 120

    private let bank: FilterBank
    private let levels: UnsafeMutableBufferPointer<Float>
    private let previous: UnsafeMutableBufferPointer<Float>
    private let previousMaxFiltered: UnsafeMutableBufferPointer<Float>
    private let lowBandCount: Int
    private var runningPeakDB: Float = -200
    private let peakReleasePerFrame: Float

    /// The last values of the detection function, newest at `historyHead - 1`.
    private let history: UnsafeMutableBufferPointer<Float>
    private var historyCount = 0
    private var historyHead = 0
    private let preMaxFrames: Int
    private let preAverageFrames: Int
    private let combineFrames: Int
    private var longSum: Double = 0
    private var framesSinceOnset = Int.max / 2

    /// The detection function value of the latest frame.
    private(set) var detectionValue: Float = 0
    /// The positive flux of the bands below 120 Hz in the latest frame (kick and bass).
    private(set) var lowFrequencyFlux: Float = 0

    /// Not real-time safe: allocates.
    init(fftSize: Int, sampleRate: Double, frameRate: Double) throws(DSPError) {
        bank = try FilterBank.logarithmic(
            bandsPerOctave: Self.bandsPerOctave, lowestHz: 30, highestHz: 20_000,
            fftSize: fftSize, sampleRate: sampleRate)
        levels = .allocate(capacity: bank.bandCount)
        levels.initialize(repeating: 0)
        previous = .allocate(capacity: bank.bandCount)
        previous.initialize(repeating: 0)
        previousMaxFiltered = .allocate(capacity: bank.bandCount)
        previousMaxFiltered.initialize(repeating: 0)
        var low = 0
        while low < bank.bandCount, bank.centreFrequencies[low] < Self.lowBandLimitHz { low += 1 }
        lowBandCount = max(1, low)
        peakReleasePerFrame = Self.peakReleaseDBPerSecond / Float(frameRate)
        preMaxFrames = max(1, Int((Self.preMaxSeconds * frameRate).rounded()))
        preAverageFrames = max(2, Int((Self.preAverageSeconds * frameRate).rounded()))
        combineFrames = max(1, Int((Self.combineSeconds * frameRate).rounded()))
        history = .allocate(capacity: max(preAverageFrames + 2, Int((Self.longAverageSeconds * frameRate).rounded())))
        history.initialize(repeating: 0)
    }

    deinit {
        levels.deallocate()
        previous.deallocate()
        previousMaxFiltered.deallocate()
        history.deallocate()
    }

    /// Consumes one frame's power spectrum. Returns the strength of an onset found one frame
    /// back (the look-ahead), or nil. Real-time safe: no allocation, locks or system calls.
    func process(_ power: UnsafeMutableBufferPointer<Float>) -> Float? {
        bank.apply(to: power, into: levels)
        var frameMaxDB: Float = -200
        for b in 0..<bank.bandCount {
            let db = decibels(power: levels[b])
            levels[b] = db
            frameMaxDB = max(frameMaxDB, db)
        }
        runningPeakDB = max(frameMaxDB, runningPeakDB - peakReleasePerFrame)
        let floorDB = max(Self.absoluteFloorDB, runningPeakDB - Self.dynamicRangeDB)

        var flux: Float = 0, lowFlux: Float = 0
        let count = bank.bandCount
        for b in 0..<count {
            // dB / 20 is log10 of magnitude, the scale SuperFlux's thresholds are stated in.
            let level = (max(levels[b], floorDB) - floorDB) / 20
            let rise = level - previousMaxFiltered[b]
            if rise > 0 {
                flux += rise
                if b < lowBandCount { lowFlux += rise }
            }
            levels[b] = level
        }
        // Maximum filter over three neighbouring bands of this frame, for the next frame's reference.
        for b in 0..<count {
            let lower = levels[max(0, b - 1)], upper = levels[min(count - 1, b + 1)]
            previousMaxFiltered[b] = max(levels[b], max(lower, upper))
        }
        detectionValue = flux / Float(count)
        lowFrequencyFlux = lowFlux / Float(lowBandCount)
        return pickPeak(detectionValue)
    }

    private func pickPeak(_ newest: Float) -> Float? {
        let capacity = history.count
        let leaving = history[historyHead]
        history[historyHead] = newest
        historyHead = (historyHead + 1) % capacity
        if historyCount == capacity {
            longSum -= Double(leaving)
        }
        longSum += Double(newest)
        historyCount = min(historyCount + 1, capacity)
        framesSinceOnset += 1
        guard historyCount >= 3 else { return nil }
        // The candidate is one frame back; `newest` is its look-ahead.
        let candidateSlot = (historyHead - 2 + capacity) % capacity
        let candidate = history[candidateSlot]
        guard candidate >= newest else { return nil }
        var sum: Float = 0
        let averaged = min(preAverageFrames, historyCount - 1)
        for back in 0..<averaged {
            let value = history[(candidateSlot - back + capacity) % capacity]
            sum += value
            if back > 0, back <= preMaxFrames, value > candidate { return nil }
        }
        let longMean = Float(longSum / Double(historyCount))
        let threshold = max(sum / Float(averaged) + Self.threshold, Self.relativeThreshold * longMean)
        guard candidate >= threshold, framesSinceOnset > combineFrames else { return nil }
        framesSinceOnset = 0
        return candidate
    }
}
