/// The kinds of layer a model holds, as a closed enum: the per-frame loop dispatches with a
/// `switch` on concrete final classes instead of through existential boxes and witness tables
/// (STYLE.md, guideline 4), and every kind is known to the file format.
public enum ModelLayer {
    case dense(Dense)
    case gru(GRU)
    case causalConv1D(CausalConv1D)
    case batchNorm(BatchNorm)
    case layerNorm(LayerNorm)

    /// The layer itself, for set-up code (sizes, parameter counts). Not real-time safe: call during set-up.
    public var layer: any Layer {
        switch self {
        case .dense(let layer): return layer
        case .gru(let layer): return layer
        case .causalConv1D(let layer): return layer
        case .batchNorm(let layer): return layer
        case .layerNorm(let layer): return layer
        }
    }

    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    func forward(_ input: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float> {
        switch self {
        case .dense(let layer): return layer.forward(input)
        case .gru(let layer): return layer.forward(input)
        case .causalConv1D(let layer): return layer.forward(input)
        case .batchNorm(let layer): return layer.forward(input)
        case .layerNorm(let layer): return layer.forward(input)
        }
    }

    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    func reset() {
        switch self {
        case .dense(let layer): layer.reset()
        case .gru(let layer): layer.reset()
        case .causalConv1D(let layer): layer.reset()
        case .batchNorm(let layer): layer.reset()
        case .layerNorm(let layer): layer.reset()
        }
    }
}
