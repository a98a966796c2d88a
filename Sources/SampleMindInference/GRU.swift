import Glibc

/// A gated recurrent unit advanced one time step per ``forward(_:)``, with PyTorch's gate layout
/// and equations (torch.nn.GRU; Cho et al. 2014, with the reset gate applied after the hidden
/// product as in the paper's first version and cuDNN):
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr)
///     z = σ(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
///     h' = (1 − z) ⊙ n + z ⊙ h
///
/// The output is the new hidden state h'.
public final class GRU: Layer {
    public let inputSize: Int
    public let hiddenSize: Int
    /// (W_ir | W_iz | W_in), 3·hidden × input, row-major: torch.nn.GRU.weight_ih_l0.
    private let inputWeights: UnsafeMutableBufferPointer<Float>
    /// (W_hr | W_hz | W_hn), 3·hidden × hidden: weight_hh_l0.
    private let hiddenWeights: UnsafeMutableBufferPointer<Float>
    /// (b_ir | b_iz | b_in): bias_ih_l0.
    private let inputBias: UnsafeMutableBufferPointer<Float>
    /// (b_hr | b_hz | b_hn): bias_hh_l0. b_hn stays inside the reset product, so it cannot be
    /// merged with b_in.
    private let hiddenBias: UnsafeMutableBufferPointer<Float>
    private let inputGates: UnsafeMutableBufferPointer<Float>
    private let hiddenGates: UnsafeMutableBufferPointer<Float>
    private let state: UnsafeMutableBufferPointer<Float>

    /// The tensors of a one-layer, unidirectional torch.nn.GRU (`weight_ih_l0`, `weight_hh_l0`,
    /// `bias_ih_l0`, `bias_hh_l0`), flattened row-major. Not real-time safe: allocates; call during set-up.
    public init(
        inputSize: Int, hiddenSize: Int, inputWeights: [Float], hiddenWeights: [Float], inputBias: [Float], hiddenBias: [Float]
    ) throws(LayerError) {
        try LayerLimits.checkWidth(inputSize, "GRU input size")
        try LayerLimits.checkWidth(hiddenSize, "GRU hidden size")
        let gates = 3 * hiddenSize
        try LayerLimits.checkParameters(gates * (inputSize + hiddenSize + 2), "GRU")
        try checkTensor(inputWeights, "GRU weight_ih", count: gates * inputSize)
        try checkTensor(hiddenWeights, "GRU weight_hh", count: gates * hiddenSize)
        try checkTensor(inputBias, "GRU bias_ih", count: gates)
        try checkTensor(hiddenBias, "GRU bias_hh", count: gates)
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.inputWeights = .allocate(copying: inputWeights)
        self.hiddenWeights = .allocate(copying: hiddenWeights)
        self.inputBias = .allocate(copying: inputBias)
        self.hiddenBias = .allocate(copying: hiddenBias)
        inputGates = .allocate(zeros: gates)
        hiddenGates = .allocate(zeros: gates)
        state = .allocate(zeros: hiddenSize)
    }

    deinit {
        inputWeights.deallocate()
        hiddenWeights.deallocate()
        inputBias.deallocate()
        hiddenBias.deallocate()
        inputGates.deallocate()
        hiddenGates.deallocate()
        state.deallocate()
    }

    public var outputSize: Int { hiddenSize }

    public var parameterCount: Int { inputWeights.count + hiddenWeights.count + inputBias.count + hiddenBias.count }

    public var output: UnsafeBufferPointer<Float> { UnsafeBufferPointer(state) }

    /// Advances one time step. Real-time safe: no allocation, locks or system calls.
    @discardableResult
    public func forward(_ input: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        precondition(input.count == inputSize, "GRU.forward: input size differs from the layer's")
        let h = hiddenSize
        VectorMath.multiply(
            inputWeights.baseAddress!, rows: 3 * h, columns: inputSize, by: input.baseAddress!,
            adding: inputBias.baseAddress!, into: inputGates.baseAddress!)
        VectorMath.multiply(
            hiddenWeights.baseAddress!, rows: 3 * h, columns: h, by: state.baseAddress!,
            adding: hiddenBias.baseAddress!, into: hiddenGates.baseAddress!)
        VectorMath.updateGRU(inputGates: inputGates.baseAddress!, hiddenGates: hiddenGates.baseAddress!,
                             state: state.baseAddress!, hiddenSize: h)
        return output
    }

    /// Sets the hidden state to zero, PyTorch's initial state. Real-time safe: no allocation, locks or system calls.
    public func reset() {
        state.update(repeating: 0)
    }
}
