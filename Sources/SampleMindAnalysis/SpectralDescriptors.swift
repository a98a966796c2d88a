import Glibc
import SampleMindDSP

/// Centroid, roll-off and flatness of one power spectrum.
enum SpectralDescriptors {
    static let rolloffShare: Float = 0.85

    /// Real-time safe: no allocation, locks or system calls.
    static func measure(_ power: UnsafeMutableBufferPointer<Float>, binHz: Float, into frame: inout FeatureFrame) {
        var total: Float = 0, weighted: Float = 0, logSum: Float = 0
        let bins = power.count
        // Skip DC: it says nothing about timbre and an offset would dominate it.
        for k in 1..<bins {
            let p = power[k]
            total += p
            weighted += p * Float(k)
            logSum += fastLog2(p + 1e-12)
        }
        guard total > 1e-14 else {
            frame.centroidHz = 0
            frame.rolloffHz = 0
            frame.flatness = 0
            return
        }
        frame.centroidHz = weighted / total * binHz
        let target = total * rolloffShare
        var running: Float = 0, rolloffBin = bins - 1
        for k in 1..<bins {
            running += power[k]
            if running >= target {
                rolloffBin = k
                break
            }
        }
        frame.rolloffHz = Float(rolloffBin) * binHz
        let count = Float(bins - 1)
        let geometricMean = exp2(logSum / count)
        frame.flatness = min(1, geometricMean / (total / count))
    }
}
