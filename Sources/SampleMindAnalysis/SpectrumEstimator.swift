import SampleMindDSP

/// A windowed power spectrum of the most recent `fftSize` samples, combined over the analysed
/// channels by averaging power (never samples), and scaled so that a full-scale sine peaks at 1.
final class SpectrumEstimator {
    let fftSize: Int
    let binCount: Int
    let binHz: Float
    /// The combined power spectrum, `binCount` values, valid after ``update(from:channels:)``.
    let power: UnsafeMutableBufferPointer<Float>
    private let fft: RealFFT
    private let window: WindowFunction
    private let scale: Float

    /// Not real-time safe: allocates and plans the FFT.
    init(fftSize: Int, sampleRate: Double) throws(DSPError) {
        self.fftSize = fftSize
        fft = try RealFFT(size: fftSize)
        window = WindowFunction(hannOfSize: fftSize)
        binCount = fft.binCount
        binHz = Float(sampleRate / Double(fftSize))
        power = .allocate(capacity: binCount)
        power.initialize(repeating: 0)
        let halfSum = window.sum / 2
        scale = 1 / (halfSum * halfSum)
    }

    deinit { power.deallocate() }

    /// Real-time safe: no allocation, locks or system calls.
    func update(from history: borrowing AudioHistory, channels: Range<Int>) {
        let perChannel = scale / Float(channels.count)
        for (n, channel) in channels.enumerated() {
            window.apply(to: fft.input, from: history.latest(fftSize, channel: channel))
            fft.execute()
            fft.powerSpectrum(into: power, scale: perChannel, accumulate: n > 0)
        }
    }
}
