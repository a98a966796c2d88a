import Glibc
import SampleMindInference

/// Scores the 24 keys with the trained classifier (``KeyModel``). The same small network looks at
/// the input twelve times, rotated so each pitch class in turn sits where the tonic goes, and
/// says how much that tonic looks like a major and like a minor key; a softmax over the 24 scores
/// gives each key's probability. Rotating the input instead of learning every key apart makes
/// the classifier treat all transpositions alike by construction.
final class KeyClassifier {
    private let model: Model
    private let rotated: UnsafeMutableBufferPointer<Float>

    /// Not real-time safe: builds the model.
    init(_ key: KeyModel) {
        model = key.weights.makeModel()
        rotated = .allocate(capacity: KeyInput.valueCount)
        rotated.initialize(repeating: 0)
    }

    deinit { rotated.deallocate() }

    /// Each key's probability (0…1, summing to 1) for `input` into `scores` (24: C major … B
    /// major, then C minor … B minor, ``MusicalKey``'s order). Real-time safe.
    func score(_ input: KeyInput, into scores: UnsafeMutablePointer<Float>) {
        let values = input.values
        var largest = -Float.infinity
        for tonic in 0..<12 {
            for i in 0..<12 {
                rotated[i] = values[(i + tonic) % 12]
                rotated[12 + i] = values[12 + (i + tonic) % 12]
            }
            let output = model.forward(UnsafeBufferPointer(rotated))
            scores[tonic] = output[0]
            scores[12 + tonic] = output[1]
            largest = max(largest, output[0], output[1])
        }
        var total: Float = 0
        for k in 0..<24 {
            scores[k] = expf(scores[k] - largest)
            total += scores[k]
        }
        for k in 0..<24 { scores[k] /= total }
    }
}
