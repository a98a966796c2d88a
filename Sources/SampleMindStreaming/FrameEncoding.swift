import SampleMindAnalysis
import SampleMindProtocol

/// Frame messages for a set of features. The part after the per-client fields (`seq`,
/// `dropped_frames`) is the same for every client with the same features, so it is encoded once
/// per frame and feature set and spliced.
enum FrameEncoding {
    /// Everything after `{"seq":N,"dropped_frames":D,`.
    static func body(_ frame: FeatureFrame, wallClockSeconds: Double, features: Set<Feature>, spectrumAsJSON: Bool) -> [UInt8] {
        var fields = FrameFields()
        for feature in features where feature != .spectrum || spectrumAsJSON { fields.insert(feature.fields) }
        return Array(FrameJSON.body(frame, wallClockSeconds: wallClockSeconds, fields: fields).utf8)
    }

    /// The binary spectrum message (little-endian): "SMSP", version u32 = 1, seq u64, frame
    /// index u64, t f64, wall_clock f64, band count u16, reserved u16, then Float32 dB per band.
    static func binarySpectrum(_ frame: FeatureFrame, wallClockSeconds: Double, sequence: Int) -> [UInt8] {
        var bytes: [UInt8] = Array("SMSP".utf8)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(UInt32(1))
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
