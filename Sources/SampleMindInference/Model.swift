/// A causal network run one frame at a time: an ordered list of layers, each reading the previous
/// one's output. Built (and every buffer allocated) at set-up, from a model file
/// (docs/model-format.md) or from layers made in code; ``forward(_:)`` then runs on the analysis
/// thread once per hop.
public final class Model {
    public let layers: [ModelLayer]
    /// Values the first layer takes per frame.
    public let inputSize: Int
    /// Values the last layer writes per frame.
    public let outputSize: Int
    public let parameterCount: Int
    /// The SHA-256 of the file the model was loaded from (hexadecimal, over everything before the
    /// checksum), to name the weights in logs; nil for a model built in code.
    public let sha256: String?

    /// A model of `layers`, which must fit together: each layer's output size is the next one's
    /// input size. Not real-time safe: call during set-up.
    public convenience init(layers: [ModelLayer]) throws(ModelError) {
        do {
            try Self.checkChain(layers.map { ($0.layer.inputSize, $0.layer.outputSize) })
        } catch {
            throw ModelError(path: nil, problem: error)
        }
        self.init(checked: layers, sha256: nil)
    }

    /// Loads, checks and builds the model in the file at `path`. Every way the file can be wrong
    /// (missing, truncated, damaged, from another format version, sizes out of bounds or not
    /// fitting together, NaN weights) is a ``ModelError`` naming the file.
    /// Not real-time safe: reads the file and allocates; call during set-up.
    public convenience init(contentsOf path: String) throws(ModelError) {
        let loaded = try ModelFileReader.read(path)
        self.init(checked: loaded.layers, sha256: loaded.contents.sha256)
    }

    /// Layers already checked by the file reader.
    convenience init(checkedLayers layers: [ModelLayer], sha256: String?) {
        self.init(checked: layers, sha256: sha256)
    }

    private init(checked layers: [ModelLayer], sha256: String?) {
        // Which kernel runs is decided here, at set-up, never first on the analysis thread.
        _ = VectorMath.usesAVX2FMA
        self.layers = layers
        inputSize = layers.first!.layer.inputSize
        outputSize = layers.last!.layer.outputSize
        parameterCount = layers.reduce(0) { $0 + $1.layer.parameterCount }
        self.sha256 = sha256
    }

    /// Runs one frame: `input` holds ``inputSize`` values; the result, ``outputSize`` values, is
    /// the last layer's output buffer, valid until the next call.
    /// Real-time safe: no allocation, locks or system calls.
    public func forward(_ input: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        precondition(input.count == inputSize, "Model.forward: input size differs from the model's")
        var values = input
        for layer in layers {
            values = layer.forward(values)
        }
        return values
    }

    /// Forgets every layer's state (recurrent states, convolution histories), as before the first
    /// frame. Real-time safe: no allocation, locks or system calls.
    public func reset() {
        for layer in layers {
            layer.reset()
        }
    }

    /// Sizes as (input, output) per layer, in order. Not real-time safe: call during set-up.
    static func checkChain(_ sizes: [(input: Int, output: Int)]) throws(ModelError.Problem) {
        guard !sizes.isEmpty else { throw .noLayers }
        for n in sizes.indices.dropLast() where sizes[n].output != sizes[n + 1].input {
            throw .sizesDoNotChain(layer: n + 1, outputSize: sizes[n].output, nextInputSize: sizes[n + 1].input)
        }
    }
}
