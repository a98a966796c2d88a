import SampleMindInference

/// Reproducible weights for tests that need no reference values (allocation counts, causality,
/// cost): a 64-bit linear congruential generator (Knuth's MMIX constants).
struct TestWeights {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// `count` values uniform in −bound…bound.
    mutating func uniform(_ count: Int, bound: Float) -> [Float] {
        (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * bound
        }
    }

    mutating func dense(_ inputs: Int, _ outputs: Int, _ activation: Activation) throws -> ModelLayer {
        let bound = 1 / Float(inputs).squareRoot()
        return .dense(try Dense(
            inputSize: inputs, outputSize: outputs, weights: uniform(inputs * outputs, bound: bound),
            bias: uniform(outputs, bound: bound), activation: activation))
    }

    mutating func gru(_ inputs: Int, _ hidden: Int) throws -> ModelLayer {
        let bound = 1 / Float(hidden).squareRoot()
        return .gru(try GRU(
            inputSize: inputs, hiddenSize: hidden, inputWeights: uniform(3 * hidden * inputs, bound: bound),
            hiddenWeights: uniform(3 * hidden * hidden, bound: bound), inputBias: uniform(3 * hidden, bound: bound),
            hiddenBias: uniform(3 * hidden, bound: bound)))
    }

    mutating func causalConv1D(
        _ inputs: Int, _ outputs: Int, kernel: Int, dilation: Int, _ activation: Activation
    ) throws -> CausalConv1D {
        let bound = 1 / Float(inputs * kernel).squareRoot()
        return try CausalConv1D(
            inputChannels: inputs, outputChannels: outputs, kernelSize: kernel, dilation: dilation,
            weights: uniform(outputs * inputs * kernel, bound: bound), bias: uniform(outputs, bound: bound),
            activation: activation)
    }
}
