import Glibc

/// An orthonormal DCT-II from `inputCount` values to the first `outputCount` coefficients,
/// as used for MFCCs. The matrix is computed once. Not real-time safe to create.
public struct DCT: ~Copyable {
    public let inputCount: Int
    public let outputCount: Int
    private let matrix: UnsafeMutableBufferPointer<Float>

    public init(inputCount: Int, outputCount: Int) throws(DSPError) {
        guard inputCount > 0, outputCount > 0, outputCount <= inputCount else {
            throw .invalidParameter("DCT needs 0 < outputs (\(outputCount)) ≤ inputs (\(inputCount))")
        }
        self.inputCount = inputCount
        self.outputCount = outputCount
        matrix = .allocate(capacity: inputCount * outputCount)
        let n = Double(inputCount)
        for k in 0..<outputCount {
            let scale = k == 0 ? sqrt(1 / n) : sqrt(2 / n)
            for i in 0..<inputCount {
                matrix[k * inputCount + i] = Float(scale * cos(Double.pi / n * (Double(i) + 0.5) * Double(k)))
            }
        }
    }

    deinit { matrix.deallocate() }

    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    public func transform(_ input: UnsafeMutableBufferPointer<Float>, into output: UnsafeMutablePointer<Float>) {
        for k in 0..<outputCount {
            var sum: Float = 0
            let row = k * inputCount
            for i in 0..<inputCount { sum += matrix[row + i] * input[i] }
            output[k] = sum
        }
    }
}
