/// Layer normalisation over each frame's vector (Ba, Kiros & Hinton 2016), as torch.nn.LayerNorm
/// over the last dimension: y = activation((x − mean) / √(var + ε) · γ + β), with the biased
/// variance. Unlike batch norm it depends on the frame itself, so it cannot be folded away.
public final class LayerNorm: Layer {
    public let size: Int
    public let epsilon: Float
    public let activation: Activation
    private let gamma: UnsafeMutableBufferPointer<Float>
    private let beta: UnsafeMutableBufferPointer<Float>
    private let values: UnsafeMutableBufferPointer<Float>

    /// `gamma` and `beta` (torch's `weight` and `bias`) hold `size` values each; `epsilon` is
    /// torch's `eps`. Not real-time safe: allocates; call during set-up.
    public init(
        size: Int, gamma: [Float], beta: [Float], epsilon: Float = 1e-5, activation: Activation = .identity
    ) throws(LayerError) {
        try LayerLimits.checkWidth(size, "layer norm size")
        guard epsilon.isFinite, epsilon > 0, epsilon < 1 else {
            throw .invalidParameter("layer norm epsilon must be above 0 and below 1, got \(epsilon)")
        }
        try checkTensor(gamma, "layer norm gamma", count: size)
        try checkTensor(beta, "layer norm beta", count: size)
        self.size = size
        self.epsilon = epsilon
        self.activation = activation
        self.gamma = .allocate(copying: gamma)
        self.beta = .allocate(copying: beta)
        values = .allocate(zeros: size)
    }

    deinit {
        gamma.deallocate()
        beta.deallocate()
        values.deallocate()
    }

    public var inputSize: Int { size }

    public var outputSize: Int { size }

    public var parameterCount: Int { 2 * size }

    public var output: UnsafeBufferPointer<Float> { UnsafeBufferPointer(values) }

    /// Real-time safe: no allocation, locks or system calls.
    @discardableResult
    public func forward(_ input: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        precondition(input.count == size, "LayerNorm.forward: input size differs from the layer's")
        var total: Float = 0
        for value in input { total += value }
        let mean = total / Float(size)
        // Two passes: the variance from deviations, not from E[x²] − mean², which cancels badly.
        var squares: Float = 0
        for value in input { squares += (value - mean) * (value - mean) }
        let inverse = 1 / (squares / Float(size) + epsilon).squareRoot()
        for i in 0..<size {
            values[i] = (input[i] - mean) * inverse * gamma[i] + beta[i]
        }
        activation.apply(to: values)
        return output
    }

    /// Nothing to forget: each frame is normalised on its own. Real-time safe: no allocation, locks or system calls.
    public func reset() {}
}
