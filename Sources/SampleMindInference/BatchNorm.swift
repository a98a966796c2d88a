/// Batch normalisation folded for inference: y = activation(x · scale + shift) per feature (or
/// channel), where the exporter has folded torch.nn.BatchNorm1d's statistics into
/// scale = γ / √(running_var + ε) and shift = β − running_mean · scale (training/export.py).
public final class BatchNorm: Layer {
    public let size: Int
    public let activation: Activation
    private let scale: UnsafeMutableBufferPointer<Float>
    private let shift: UnsafeMutableBufferPointer<Float>
    private let values: UnsafeMutableBufferPointer<Float>

    /// `scale` and `shift` hold `size` values each. Not real-time safe: allocates; call during set-up.
    public init(size: Int, scale: [Float], shift: [Float], activation: Activation = .identity) throws(LayerError) {
        try LayerLimits.checkWidth(size, "batch norm size")
        try checkTensor(scale, "batch norm scale", count: size)
        try checkTensor(shift, "batch norm shift", count: size)
        self.size = size
        self.activation = activation
        self.scale = .allocate(copying: scale)
        self.shift = .allocate(copying: shift)
        values = .allocate(zeros: size)
    }

    deinit {
        scale.deallocate()
        shift.deallocate()
        values.deallocate()
    }

    public var inputSize: Int { size }

    public var outputSize: Int { size }

    public var parameterCount: Int { 2 * size }

    public var output: UnsafeBufferPointer<Float> { UnsafeBufferPointer(values) }

    /// Real-time safe: no allocation, locks or system calls.
    @discardableResult
    public func forward(_ input: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        precondition(input.count == size, "BatchNorm.forward: input size differs from the layer's")
        for i in 0..<size {
            values[i] = input[i] * scale[i] + shift[i]
        }
        activation.apply(to: values)
        return output
    }

    /// Nothing to forget: the statistics are fixed. Real-time safe: no allocation, locks or system calls.
    public func reset() {}
}
