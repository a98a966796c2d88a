import CEbur128
import Glibc

/// EBU R 128 loudness (ITU-R BS.1770 K-weighting and gating) through libebur128: momentary
/// (400 ms), short-term (3 s) and integrated over the whole run.
///
/// libebur128 filters every sample; asking it for the momentary or short-term loudness makes it sum
/// the whole 0.4 s or 3 s window again, which would cost more than the rest of the analysis if done
/// every hop. So it is asked once per 100 ms block for that block's energy, and the momentary and
/// short-term values are the means of the last 4 and 30 block energies — the same 100 ms block
/// structure the standard's gating uses (EBU Tech 3341), updated ten times a second. Histogram mode
/// keeps the integrated measure in constant memory; the default mode allocates per gating block.
final class LoudnessMeter {
    static let blockSeconds = 0.1
    static let momentaryBlocks = 4
    static let shortTermBlocks = 30
    /// The integrated value scans a 1000-bin histogram, so it is refreshed once a second.
    static let integratedBlocks = 10

    private let state: UnsafeMutablePointer<ebur128_state>
    private let blockFrames: Int
    private var framesInBlock = 0
    private let energies: UnsafeMutableBufferPointer<Double>
    private var blockCount = 0
    private var momentary: Float = -200
    private var shortTerm: Float = -200
    private var integrated: Float = -200

    /// Not real-time safe: allocates libebur128's state.
    init(channelCount: Int, sampleRate: Double) throws(AnalysisError) {
        let mode = Int32(EBUR128_MODE_M.rawValue | EBUR128_MODE_S.rawValue | EBUR128_MODE_I.rawValue
            | EBUR128_MODE_HISTOGRAM.rawValue)
        guard let made = ebur128_init(UInt32(channelCount), UInt(sampleRate), mode) else {
            throw .resourceUnavailable(
                "libebur128 refused \(channelCount) channel(s) at \(Int(sampleRate)) Hz; check the input format")
        }
        state = made
        blockFrames = Int((sampleRate * Self.blockSeconds).rounded())
        energies = .allocate(capacity: Self.shortTermBlocks)
        energies.initialize(repeating: 0)
    }

    deinit {
        var pointer: UnsafeMutablePointer<ebur128_state>? = state
        ebur128_destroy(&pointer)
        energies.deallocate()
    }

    /// Real-time safe: no allocation, locks or system calls (histogram mode).
    func measure(_ block: UnsafeBufferPointer<Float>, frameCount: Int, into frame: inout FeatureFrame) {
        let channels = block.count / frameCount
        var offset = 0
        while offset < frameCount {
            // Split the hop where a 100 ms block ends.
            let take = min(frameCount - offset, blockFrames - framesInBlock)
            ebur128_add_frames_float(state, block.baseAddress! + offset * channels, take)
            framesInBlock += take
            offset += take
            if framesInBlock == blockFrames {
                framesInBlock = 0
                completeBlock()
            }
        }
        frame.momentaryLUFS = momentary
        frame.shortTermLUFS = shortTerm
        frame.integratedLUFS = integrated
    }

    private func completeBlock() {
        var lufs = 0.0
        let energy = ebur128_loudness_window(state, UInt(Self.blockSeconds * 1000), &lufs) == 0 && lufs.isFinite
            ? pow(10, (lufs + 0.691) / 10) : 0
        energies[blockCount % Self.shortTermBlocks] = energy
        blockCount += 1
        momentary = Self.loudness(of: energies, newest: blockCount, count: Self.momentaryBlocks)
        shortTerm = Self.loudness(of: energies, newest: blockCount, count: Self.shortTermBlocks)
        if blockCount % Self.integratedBlocks == 0 {
            var value = 0.0
            integrated = ebur128_loudness_global(state, &value) == 0 && value.isFinite ? Float(max(-200, value)) : -200
        }
    }

    /// BS.1770 loudness of the mean energy of the last `count` blocks (fewer at the start).
    private static func loudness(of energies: UnsafeMutableBufferPointer<Double>, newest: Int, count: Int) -> Float {
        let available = min(count, newest)
        var sum = 0.0
        for back in 1...available { sum += energies[(newest - back) % energies.count] }
        let mean = sum / Double(count)
        return mean > 1e-20 ? Float(max(-200, -0.691 + 10 * log10(mean))) : -200
    }
}
