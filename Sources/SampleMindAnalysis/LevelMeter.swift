import SampleMindDSP

/// Sample peak and RMS over one hop, across every channel (not only the analysed ones).
enum LevelMeter {
    /// Real-time safe: no allocation, locks or system calls.
    static func measure(_ block: UnsafeBufferPointer<Float>, into frame: inout FeatureFrame) {
        var peak: Float = 0, sumOfSquares: Float = 0
        for sample in block {
            peak = max(peak, abs(sample))
            sumOfSquares += sample * sample
        }
        frame.peakDBFS = decibels(power: peak * peak)
        frame.rmsDBFS = decibels(power: sumOfSquares / Float(max(1, block.count)))
    }
}
