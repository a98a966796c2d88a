/// One layer's 24-byte record in a model file's header (docs/model-format.md): its kind, its
/// activation and up to four sizes, whose meaning depends on the kind, and one Float32 parameter.
struct LayerRecord {
    enum Kind: UInt8 {
        case dense = 1
        case gru = 2
        case causalConv1D = 3
        case batchNorm = 4
        case layerNorm = 5

        /// How many of the record's four size fields the kind uses; the others must be zero.
        var sizeFields: Int {
            switch self {
            case .dense, .gru: return 2
            case .causalConv1D: return 4
            case .batchNorm, .layerNorm: return 1
            }
        }
    }

    static let size = 24

    let kind: Kind
    let activation: Activation
    let inputSize: Int
    let outputSize: Int
    /// The tensors' lengths, in the order the file stores them.
    let tensorLengths: [Int]
    private let sizes: [Int]
    private let parameter: Float

    /// Decodes and bounds-checks a record; `number` counts layers from 1, for messages.
    /// Not real-time safe: call during set-up.
    init(_ bytes: LittleEndianBytes, at offset: Int, number: Int) throws(ModelError.Problem) {
        let code = bytes.uint8(at: offset)
        guard let kind = Kind(rawValue: code) else {
            throw .malformedHeader("layer \(number) has kind \(code), which this SampleMind does not know (1…5)")
        }
        let activationCode = bytes.uint8(at: offset + 1)
        guard let activation = Activation(rawValue: activationCode) else {
            throw .malformedHeader(
                "layer \(number) has activation \(activationCode), which this SampleMind does not know (0…5)")
        }
        guard bytes.uint16(at: offset + 2) == 0 else {
            throw .malformedHeader("layer \(number) has a non-zero reserved field")
        }
        let sizes = (0..<4).map { Int(bytes.uint32(at: offset + 4 + 4 * $0)) }
        let parameter = bytes.float(at: offset + 20)
        guard sizes[kind.sizeFields...].allSatisfy({ $0 == 0 }), kind == .layerNorm || parameter.bitPattern == 0 else {
            throw .malformedHeader("layer \(number) has a non-zero value in a field its kind does not use")
        }
        guard kind != .gru || activation == .identity else {
            throw .malformedHeader(
                "layer \(number) is a GRU with activation \(activation); a GRU's activations are fixed, the field must be 0")
        }
        self.kind = kind
        self.activation = activation
        self.sizes = sizes
        self.parameter = parameter
        do {
            (inputSize, outputSize, tensorLengths) = try Self.shape(kind, sizes)
        } catch {
            throw .absurdSize(layer: number, error)
        }
    }

    /// Sizes are bounded here, before any product is formed, so a damaged size cannot overflow
    /// one or make the reader trust a gigantic body.
    private static func shape(_ kind: Kind, _ sizes: [Int]) throws(LayerError) -> (Int, Int, [Int]) {
        switch kind {
        case .dense:
            try LayerLimits.checkWidth(sizes[0], "dense input size")
            try LayerLimits.checkWidth(sizes[1], "dense output size")
            return (sizes[0], sizes[1], [sizes[1] * sizes[0], sizes[1]])
        case .gru:
            try LayerLimits.checkWidth(sizes[0], "GRU input size")
            try LayerLimits.checkWidth(sizes[1], "GRU hidden size")
            let gates = 3 * sizes[1]
            return (sizes[0], sizes[1], [gates * sizes[0], gates * sizes[1], gates, gates])
        case .causalConv1D:
            try LayerLimits.checkWidth(sizes[0], "causal conv1d input channels")
            try LayerLimits.checkWidth(sizes[1], "causal conv1d output channels")
            try LayerLimits.check(sizes[2], "causal conv1d kernel size", within: 1...LayerLimits.maximumKernelSize)
            try LayerLimits.check(sizes[3], "causal conv1d dilation", within: 1...LayerLimits.maximumDilation)
            return (sizes[0], sizes[1], [sizes[1] * sizes[0] * sizes[2], sizes[1]])
        case .batchNorm:
            try LayerLimits.checkWidth(sizes[0], "batch norm size")
            return (sizes[0], sizes[0], [sizes[0], sizes[0]])
        case .layerNorm:
            try LayerLimits.checkWidth(sizes[0], "layer norm size")
            return (sizes[0], sizes[0], [sizes[0], sizes[0]])
        }
    }

    /// Builds the layer from its tensors, which the layer's `init` checks (finite values, and the
    /// bounds that depend on several sizes). Not real-time safe: allocates; call during set-up.
    func makeLayer(_ tensors: [[Float]]) throws(LayerError) -> ModelLayer {
        switch kind {
        case .dense:
            return .dense(try Dense(
                inputSize: sizes[0], outputSize: sizes[1], weights: tensors[0], bias: tensors[1], activation: activation))
        case .gru:
            return .gru(try GRU(
                inputSize: sizes[0], hiddenSize: sizes[1], inputWeights: tensors[0], hiddenWeights: tensors[1],
                inputBias: tensors[2], hiddenBias: tensors[3]))
        case .causalConv1D:
            return .causalConv1D(try CausalConv1D(
                inputChannels: sizes[0], outputChannels: sizes[1], kernelSize: sizes[2], dilation: sizes[3],
                weights: tensors[0], bias: tensors[1], activation: activation))
        case .batchNorm:
            return .batchNorm(try BatchNorm(size: sizes[0], scale: tensors[0], shift: tensors[1], activation: activation))
        case .layerNorm:
            return .layerNorm(try LayerNorm(
                size: sizes[0], gamma: tensors[0], beta: tensors[1], epsilon: parameter, activation: activation))
        }
    }
}
