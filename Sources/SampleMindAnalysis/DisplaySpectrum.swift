import SampleMindDSP

/// The 96-band log-frequency spectrum shown by dashboards, in dBFS per band.
final class DisplaySpectrum {
    private let bank: FilterBank
    private let bands: UnsafeMutableBufferPointer<Float>

    /// Not real-time safe: allocates the filter bank.
    init(fftSize: Int, sampleRate: Double) throws(DSPError) {
        bank = try FilterBank.logarithmic(
            count: FeatureFrame.spectrumBandCount, lowestHz: 30, highestHz: 16_000,
            fftSize: fftSize, sampleRate: sampleRate)
        bands = .allocate(capacity: bank.bandCount)
        bands.initialize(repeating: 0)
    }

    deinit { bands.deallocate() }

    /// Real-time safe: no allocation, locks or system calls.
    func measure(_ power: UnsafeMutableBufferPointer<Float>, into frame: inout FeatureFrame) {
        bank.apply(to: power, into: bands)
        for b in 0..<FeatureFrame.spectrumBandCount {
            frame.spectrum[b] = decibels(power: bands[b])
        }
    }
}
