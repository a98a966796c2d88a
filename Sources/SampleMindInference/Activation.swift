import Glibc

/// An activation applied in place to a layer's output. The raw values are the codes of the
/// model file format (docs/model-format.md).
public enum Activation: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case identity = 0
    case relu = 1
    case tanh = 2
    /// The logistic function 1 / (1 + e^−x).
    case sigmoid = 3
    /// x for x > 0, e^x − 1 otherwise (α = 1, as torch.nn.ELU's default).
    case elu = 4
    /// Over the whole vector: e^(x_i − max) / Σ e^(x_j − max); subtracting the maximum keeps
    /// large values from overflowing.
    case softmax = 5

    public var description: String {
        switch self {
        case .identity: return "identity"
        case .relu: return "relu"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        case .elu: return "elu"
        case .softmax: return "softmax"
        }
    }

    /// Replaces each value with its activation. Real-time safe: no allocation, locks or system calls.
    public func apply(to values: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .identity:
            return
        case .relu:
            for i in values.indices { values[i] = max(values[i], 0) }
        case .tanh:
            for i in values.indices { values[i] = tanhf(values[i]) }
        case .sigmoid:
            for i in values.indices { values[i] = logistic(values[i]) }
        case .elu:
            for i in values.indices where values[i] <= 0 { values[i] = expm1f(values[i]) }
        case .softmax:
            var largest = -Float.infinity
            for value in values { largest = max(largest, value) }
            var total: Float = 0
            for i in values.indices {
                values[i] = expf(values[i] - largest)
                total += values[i]
            }
            let scale = 1 / total
            for i in values.indices { values[i] *= scale }
        }
    }
}

/// 1 / (1 + e^−x); e^−x overflows to infinity for x below about −88 and the result is then 0.
/// Real-time safe: no allocation, locks or system calls.
@inline(__always)
func logistic(_ x: Float) -> Float {
    1 / (1 + expf(-x))
}
