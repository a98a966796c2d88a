/// One layer of a network run one frame at a time on the analysis thread (RTNeural's shape): sizes
/// fixed at construction, every buffer allocated in `init` and freed in `deinit`, and ``forward(_:)``
/// reading the previous layer's output and writing into the layer's own ``output``.
public protocol Layer: AnyObject {
    /// Values the layer takes per frame.
    var inputSize: Int { get }
    /// Values the layer writes per frame.
    var outputSize: Int { get }
    /// Weights and biases the layer holds, for logs and budgets.
    var parameterCount: Int { get }
    /// The output of the last ``forward(_:)``, `outputSize` values; valid until the next call.
    var output: UnsafeBufferPointer<Float> { get }
    /// Computes one frame from `input` (`inputSize` values) and returns ``output``.
    /// Real-time safe: no allocation, locks or system calls.
    @discardableResult
    func forward(_ input: UnsafeBufferPointer<Float>) -> UnsafeBufferPointer<Float>
    /// Forgets the state carried between frames (a recurrent state, a convolution's history), as
    /// if no frame had been seen. Real-time safe: no allocation, locks or system calls.
    func reset()
}

/// Why a layer could not be built from the sizes and weights it was given.
public enum LayerError: Error, Equatable, CustomStringConvertible {
    /// A size outside the bounds in ``LayerLimits``, or another parameter out of range.
    case invalidParameter(String)
    /// A weight or bias tensor with the wrong number of values for the layer's sizes.
    case wrongTensorLength(tensor: String, expected: Int, actual: Int)
    /// A NaN or infinite weight: it would turn every later output into NaN, silently.
    case nonFinite(tensor: String, index: Int)

    public var description: String {
        switch self {
        case .invalidParameter(let reason):
            return reason
        case .wrongTensorLength(let tensor, let expected, let actual):
            return "\(tensor) has \(actual) values, its sizes need \(expected)"
        case .nonFinite(let tensor, let index):
            return "\(tensor)[\(index)] is NaN or infinite"
        }
    }
}

/// Bounds on layer sizes: far above the networks run per hop here (a few hundred thousand
/// parameters), low enough that a damaged size can neither ask for gigabytes nor overflow a product.
public enum LayerLimits {
    /// Inputs, outputs, channels or hidden units of one layer.
    public static let maximumWidth = 4096
    public static let maximumKernelSize = 64
    public static let maximumDilation = 1024
    /// Weights and biases of one layer, and of a whole model: 32 MiB of Float32.
    public static let maximumParameters = 1 << 23
    /// Values a causal convolution keeps in its history (frames × channels): 16 MiB of Float32.
    public static let maximumHistoryValues = 1 << 22

    static func check(_ value: Int, _ what: String, within range: ClosedRange<Int>) throws(LayerError) {
        guard range.contains(value) else {
            throw .invalidParameter("\(what) must be \(range.lowerBound)…\(range.upperBound), got \(value)")
        }
    }

    static func checkWidth(_ value: Int, _ what: String) throws(LayerError) {
        try check(value, what, within: 1...maximumWidth)
    }

    static func checkParameters(_ count: Int, _ layer: String) throws(LayerError) {
        try check(count, "\(layer) parameter count", within: 1...maximumParameters)
    }
}
