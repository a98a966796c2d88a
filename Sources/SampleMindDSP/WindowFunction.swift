import Glibc

/// Analysis windows. Not real-time safe to create (allocates); apply them with ``apply(to:from:)``.
public struct WindowFunction: ~Copyable {
    public let coefficients: UnsafeMutableBufferPointer<Float>
    /// Σ w(n), used to scale spectra so a full-scale sine reads 0 dBFS whatever the window size.
    public let sum: Float

    /// A periodic Hann window of `size` samples.
    public init(hannOfSize size: Int) {
        coefficients = .allocate(capacity: size)
        var total: Float = 0
        for n in 0..<size {
            let w = Float(0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(size)))
            coefficients[n] = w
            total += w
        }
        sum = total
    }

    deinit { coefficients.deallocate() }

    /// Writes `source[n] · w(n)` into `destination`. Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    public func apply(to destination: UnsafeMutableBufferPointer<Float>, from source: UnsafePointer<Float>) {
        for n in 0..<coefficients.count {
            destination[n] = source[n] * coefficients[n]
        }
    }
}
