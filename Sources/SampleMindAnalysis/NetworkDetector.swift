import SampleMindInference

/// The trained network's onset, beat and downbeat activations (each 0…1) for every hop, from
/// ``NetworkInput``. It runs at the frame rate it was trained for (100 per second); the model's
/// state carries the music's past from hop to hop.
final class NetworkDetector {
    static let frameRate = 100.0
    static let outputCount = 3

    private let model: Model
    private(set) var onset: Float = 0
    private(set) var beat: Float = 0
    private(set) var downbeat: Float = 0

    /// Why the network cannot serve an input of this configuration, or nil when it can.
    static func refusal(of configuration: AnalyzerConfiguration) -> String? {
        guard abs(configuration.frameRate - frameRate) <= frameRate * 0.005 else {
            let hopMs = Double(configuration.hopSize) / configuration.sampleRate * 1000
            return "the network was trained on 10 ms hops and the hop is \((hopMs * 100).rounded() / 100) ms"
        }
        return NetworkInput.rateProblem(configuration.sampleRate)
    }

    /// Why the weights in `file` do not fit this version's detector (its input per hop and its
    /// three outputs), or nil when they do. Checked by ``DetectorModel``, where weights are loaded,
    /// so a file made for another version is refused at start-up instead of failing every analysis.
    static func fitProblem(of file: ModelFile) -> String? {
        if file.inputSize != NetworkInput.valueCount {
            return "\(file.path) takes \(file.inputSize) values per hop but this version of samplemind computes "
                + "\(NetworkInput.valueCount); it was made for another version. Use the model file installed with this one"
        }
        if file.outputSize != outputCount {
            return "\(file.path) gives \(file.outputSize) values per hop, not the \(outputCount) (onset, beat, downbeat) "
                + "a detector needs; it is not a detector model. Use the model file installed with samplemind"
        }
        return nil
    }

    /// Not real-time safe: builds the model's layers and state.
    init(model detector: DetectorModel) {
        model = detector.weights.makeModel()
    }

    /// Runs the network on this hop's input. Real-time safe: no allocation, locks or system calls.
    func process(_ input: NetworkInput) {
        let output = model.forward(UnsafeBufferPointer(input.values))
        onset = output[0]
        beat = output[1]
        downbeat = output[2]
    }
}
