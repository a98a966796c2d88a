import Glibc

/// What key estimation reads: the pitch-class profile of the whole spectrum and that of the bass
/// (``ChromaExtractor``), each scaled to a largest bin of 1 per update and averaged with
/// exponential forgetting (time constant five seconds) over updates that carry tonal energy.
/// `samplemind features` writes exactly these values, so the key classifier is trained on what
/// it later reads live.
public final class KeyInput {
    public static let memorySeconds: Float = 5
    /// Values per update: the profile C…B, then the bass profile C…B.
    public static let valueCount = 24

    /// The averaged profiles, valid after an update that returned true.
    public let values: UnsafeMutableBufferPointer<Float>
    private let decay: Float

    /// Not real-time safe: allocates.
    init(updatesPerSecond: Float) {
        values = .allocate(capacity: Self.valueCount)
        values.initialize(repeating: 0)
        decay = exp(-1 / (updatesPerSecond * Self.memorySeconds))
    }

    deinit { values.deallocate() }

    /// The averaged profile of the whole spectrum (the first 12 values).
    var chroma: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(rebasing: values[0..<12]) }

    /// Adds the latest profiles; false (and nothing changes) when the update carries no tonal
    /// energy. Real-time safe: no allocation, locks or system calls.
    func process(_ extractor: ChromaExtractor) -> Bool {
        guard extractor.total > 1e-4 else { return false }
        add(extractor.chroma, at: 0)
        if extractor.bassTotal > 1e-4 {
            add(extractor.bassChroma, at: 12)
        } else {
            for i in 12..<24 { values[i] *= decay }
        }
        return true
    }

    /// Real-time safe.
    private func add(_ profile: UnsafeMutableBufferPointer<Float>, at start: Int) {
        var peak: Float = 0
        for i in 0..<12 { peak = max(peak, profile[i]) }
        for i in 0..<12 { values[start + i] = values[start + i] * decay + profile[i] / peak }
    }
}
