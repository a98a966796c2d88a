/// A fully connected layer, y = activation(W·x + b), as torch.nn.Linear followed by an activation.
public final class Dense: Layer {
    public let inputSize: Int
    public let outputSize: Int
    public let activation: Activation
    /// `outputSize` × `inputSize`, row-major: torch.nn.Linear.weight's layout.
    private let weights: UnsafeMutableBufferPointer<Float>
    private let bias: UnsafeMutableBufferPointer<Float>
    private let values: UnsafeMutableBufferPointer<Float>

    /// `weights` holds `outputSize` rows of `inputSize` values (torch.nn.Linear.weight, flattened),
    /// `bias` `outputSize` values. Not real-time safe: allocates; call during set-up.
    public init(
        inputSize: Int, outputSize: Int, weights: [Float], bias: [Float], activation: Activation = .identity
    ) throws(LayerError) {
        try LayerLimits.checkWidth(inputSize, "dense input size")
        try LayerLimits.checkWidth(outputSize, "dense output size")
        try LayerLimits.checkParameters(outputSize * (inputSize + 1), "dense")
        try checkTensor(weights, "dense weight", count: outputSize * inputSize)
        try checkTensor(bias, "dense bias", count: outputSize)
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.activation = activation
        self.weights = .allocate(copying: weights)
        self.bias = .allocate(copying: bias)
        values = .allocate(zeros: outputSize)
    }

    deinit {
        weights.deallocate()
        bias.deallocate()
        values.deallocate()
    }

    public var parameterCount: Int { weights.count + bias.count }

    public var output: UnsafeBufferPointer<Float> { UnsafeBufferPointer(values) }

    /// Real-time safe: no allocation, locks or system calls.
    @discardableResult
    public func forward(_ input: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        precondition(input.count == inputSize, "Dense.forward: input size differs from the layer's")
        VectorMath.multiply(
            weights.baseAddress!, rows: outputSize, columns: inputSize, by: input.baseAddress!,
            adding: bias.baseAddress!, into: values.baseAddress!)
        activation.apply(to: values)
        return output
    }

    /// Nothing to forget: a dense layer keeps no state between frames.
    /// Real-time safe: no allocation, locks or system calls.
    public func reset() {}
}
