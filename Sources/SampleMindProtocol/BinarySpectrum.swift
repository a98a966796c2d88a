import SampleMindAnalysis

/// The binary spectrum message that follows a frame for clients that ask for it (little-endian):
/// "SMSP", version u32 = 1, seq u64, frame index u64, t f64, wall_clock f64, band count u16,
/// reserved u16, then Float32 dB per band.
public enum BinarySpectrum {
    public static let version: UInt32 = 1

    public static func encode(_ frame: FeatureFrame, wallClockSeconds: Double, sequence: Int) -> [UInt8] {
        var bytes: [UInt8] = Array("SMSP".utf8)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(version)
        append(UInt64(sequence))
        append(UInt64(frame.index))
        append(frame.timeSeconds.bitPattern)
        append(wallClockSeconds.bitPattern)
        append(UInt16(FeatureFrame.spectrumBandCount))
        append(UInt16(0))
        for band in 0..<FeatureFrame.spectrumBandCount { append(frame.spectrum[band].bitPattern) }
        return bytes
    }
}
