import SampleMindDSP

/// Mel-frequency cepstral coefficients: 40 mel bands (Slaney) up to 8 kHz, log power in dB, orthonormal DCT-II.
final class MFCCExtractor {
    static let melBandCount = 40
    private let melBank: FilterBank
    private let dct: DCT
    private let bands: UnsafeMutableBufferPointer<Float>

    /// Not real-time safe: allocates the filter bank.
    init(fftSize: Int, sampleRate: Double) throws(DSPError) {
        melBank = try FilterBank.mel(
            count: Self.melBandCount, lowestHz: 0, highestHz: 8_000, fftSize: fftSize, sampleRate: sampleRate)
        dct = try DCT(inputCount: Self.melBandCount, outputCount: FeatureFrame.mfccCount)
        bands = .allocate(capacity: Self.melBandCount)
        bands.initialize(repeating: 0)
    }

    deinit { bands.deallocate() }

    /// Real-time safe: no allocation, locks or system calls.
    func measure(_ power: UnsafeMutableBufferPointer<Float>, into frame: inout FeatureFrame) {
        melBank.apply(to: power, into: bands)
        for b in 0..<Self.melBandCount { bands[b] = decibels(power: bands[b], floor: -120) }
        withUnsafeMutablePointer(to: &frame.mfcc) { coefficients in
            coefficients.withMemoryRebound(to: Float.self, capacity: FeatureFrame.mfccCount) {
                dct.transform(bands, into: $0)
            }
        }
    }
}
