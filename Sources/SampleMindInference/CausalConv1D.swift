/// A dilated causal 1-D convolution over time, one output frame per input frame (the building
/// block of a temporal convolutional network; Bai, Kolter & Koltun 2018):
///
///     y[t] = activation(b + Σ_i W[:, :, i] · x[t − (k − 1 − i)·d])
///
/// the same as torch.nn.Conv1d with `dilation` d and (k − 1)·d frames of zeros padded on the left
/// only, so output t depends on inputs ≤ t. It keeps a ring of the last (k − 1)·d + 1 input frames.
public final class CausalConv1D: Layer {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let dilation: Int
    public let activation: Activation
    /// Frames in the history ring, (k − 1)·d + 1.
    public let historyLength: Int
    /// `outputChannels` rows of k·`inputChannels`: torch's (out, in, k) reordered to (out, k, in),
    /// so a row meets the k taps' frames laid end to end in ``window``.
    private let weights: UnsafeMutableBufferPointer<Float>
    private let bias: UnsafeMutableBufferPointer<Float>
    private let history: UnsafeMutableBufferPointer<Float>
    private let window: UnsafeMutableBufferPointer<Float>
    private let values: UnsafeMutableBufferPointer<Float>
    /// The ring slot holding the newest frame.
    private var newest = 0

    /// `weights` in torch.nn.Conv1d.weight's layout (out, in, k), flattened; `bias` `outputChannels`
    /// values. Not real-time safe: allocates; call during set-up.
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, dilation: Int = 1,
        weights: [Float], bias: [Float], activation: Activation = .identity
    ) throws(LayerError) {
        try LayerLimits.checkWidth(inputChannels, "causal conv1d input channels")
        try LayerLimits.checkWidth(outputChannels, "causal conv1d output channels")
        try LayerLimits.check(kernelSize, "causal conv1d kernel size", within: 1...LayerLimits.maximumKernelSize)
        try LayerLimits.check(dilation, "causal conv1d dilation", within: 1...LayerLimits.maximumDilation)
        let span = (kernelSize - 1) * dilation + 1
        try LayerLimits.check(
            span * inputChannels, "causal conv1d history ((kernel size − 1) · dilation + 1 frames × input channels)",
            within: 1...LayerLimits.maximumHistoryValues)
        let rowLength = kernelSize * inputChannels
        try LayerLimits.checkParameters(outputChannels * (rowLength + 1), "causal conv1d")
        try checkTensor(weights, "causal conv1d weight", count: outputChannels * rowLength)
        try checkTensor(bias, "causal conv1d bias", count: outputChannels)
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.dilation = dilation
        self.activation = activation
        historyLength = span
        self.weights = .allocate(zeros: outputChannels * rowLength)
        for o in 0..<outputChannels {
            for c in 0..<inputChannels {
                for tap in 0..<kernelSize {
                    self.weights[o * rowLength + tap * inputChannels + c] = weights[(o * inputChannels + c) * kernelSize + tap]
                }
            }
        }
        self.bias = .allocate(copying: bias)
        history = .allocate(zeros: span * inputChannels)
        window = .allocate(zeros: rowLength)
        values = .allocate(zeros: outputChannels)
    }

    deinit {
        weights.deallocate()
        bias.deallocate()
        history.deallocate()
        window.deallocate()
        values.deallocate()
    }

    public var inputSize: Int { inputChannels }

    public var outputSize: Int { outputChannels }

    public var parameterCount: Int { weights.count + bias.count }

    public var output: UnsafeBufferPointer<Float> { UnsafeBufferPointer(values) }

    /// Takes the next input frame and computes the output frame for it.
    /// Real-time safe: no allocation, locks or system calls.
    @discardableResult
    public func forward(_ input: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        precondition(input.count == inputChannels, "CausalConv1D.forward: input size differs from the layer's")
        newest = newest + 1 == historyLength ? 0 : newest + 1
        let ring = history.baseAddress!, gathered = window.baseAddress!
        (ring + newest * inputChannels).update(from: input.baseAddress!, count: inputChannels)
        // Tap i reads the frame (k − 1 − i)·d frames old; tap k − 1 is the newest.
        for tap in 0..<kernelSize {
            var slot = newest - (kernelSize - 1 - tap) * dilation
            if slot < 0 { slot += historyLength }
            (gathered + tap * inputChannels).update(from: ring + slot * inputChannels, count: inputChannels)
        }
        VectorMath.multiply(
            weights.baseAddress!, rows: outputChannels, columns: kernelSize * inputChannels, by: gathered,
            adding: bias.baseAddress!, into: values.baseAddress!)
        activation.apply(to: values)
        return output
    }

    /// Fills the history with zeros, as the left padding of the first frames.
    /// Real-time safe: no allocation, locks or system calls.
    public func reset() {
        history.update(repeating: 0)
        newest = 0
    }
}
