import Glibc
import SampleMindDSP

/// The 96-band log-frequency spectrum shown by dashboards, in dBFS per band.
final class DisplaySpectrum {
    private let bank: FilterBank
    private let bands: UnsafeMutableBufferPointer<Float>

    /// Not real-time safe: allocates the filter bank.
    init(fftSize: Int, sampleRate: Double) throws(DSPError) {
        bank = try FilterBank.logarithmic(
            count: FeatureFrame.spectrumBandCount, lowestHz: FeatureFrame.spectrumLowestHz, highestHz: FeatureFrame.spectrumHighestHz,
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

extension FeatureFrame {
    /// The display spectrum's range: its first band's centre, and its last band's centre unless
    /// Nyquist comes first (then 95 % of Nyquist).
    public static let spectrumLowestHz = 30.0
    public static let spectrumHighestHz = 16_000.0

    /// Centre frequency of display band `band` (0..<96) at `sampleRate`, as the analyzer's filter
    /// bank places it: evenly spaced on a log scale. For outputs that regroup the bands.
    ///
    /// Real-time safe: arithmetic only.
    public static func spectrumCentreHz(band: Int, sampleRate: Double) -> Double {
        let top = min(spectrumHighestHz, sampleRate / 2 * 0.95)
        let ratio = log2(top / spectrumLowestHz) / Double(spectrumBandCount - 1)
        return spectrumLowestHz * pow(2, Double(band) * ratio)
    }
}
