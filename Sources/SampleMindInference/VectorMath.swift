import CVectorKernels
import Glibc

/// The inner loops of every layer. The matrix-vector product runs in a small C kernel with AVX2
/// and FMA where the processor has them (CVectorKernels); elsewhere, and for dot products, on
/// Swift's SIMD types: sixteen lanes (two AVX or four SSE registers) while they last, then eight,
/// then a scalar tail, so no size needs padding. Public for the analysis's other inner loops
/// (the beat decoder's tempo transitions).
public enum VectorMath {
    /// Whether ``multiply(_:rows:columns:by:adding:into:)`` uses the AVX2 and FMA kernel.
    static let usesAVX2FMA = samplemind_vector_has_avx2_fma()

    /// Σ a[i]·b[i] over `count` values. Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var i = 0
        var sum16 = SIMD16<Float>()
        while i + 16 <= count {
            sum16 += load(SIMD16<Float>.self, a + i) * load(SIMD16<Float>.self, b + i)
            i += 16
        }
        var sum8 = sum16.lowHalf + sum16.highHalf
        if i + 8 <= count {
            sum8 += load(SIMD8<Float>.self, a + i) * load(SIMD8<Float>.self, b + i)
            i += 8
        }
        var sum = sum8.sum()
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// result = matrix · vector + bias, for a row-major `rows` × `columns` matrix.
    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    static func multiply(
        _ matrix: UnsafePointer<Float>, rows: Int, columns: Int, by vector: UnsafePointer<Float>,
        adding bias: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>
    ) {
        if usesAVX2FMA {
            samplemind_vector_multiply_avx2_fma(matrix, Int32(rows), Int32(columns), vector, bias, result)
        } else {
            multiplyPortably(matrix, rows: rows, columns: columns, by: vector, adding: bias, into: result)
        }
    }

    /// ``multiply(_:rows:columns:by:adding:into:)`` on Swift's SIMD types, for every processor.
    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    static func multiplyPortably(
        _ matrix: UnsafePointer<Float>, rows: Int, columns: Int, by vector: UnsafePointer<Float>,
        adding bias: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>
    ) {
        for row in 0..<rows {
            result[row] = bias[row] + dot(matrix + row * columns, vector, count: columns)
        }
    }

    /// A GRU's new state from its gate pre-activations (PyTorch's order r, z, n; 3·`hiddenSize`
    /// each): r = σ(i_r + h_r), z = σ(i_z + h_z), n = tanh(i_n + r·h_n), state = (1 − z)·n + z·state.
    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    static func updateGRU(
        inputGates: UnsafePointer<Float>, hiddenGates: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>, hiddenSize: Int
    ) {
        if usesAVX2FMA {
            samplemind_vector_gru_update_avx2_fma(inputGates, hiddenGates, state, Int32(hiddenSize))
        } else {
            updateGRUPortably(inputGates: inputGates, hiddenGates: hiddenGates, state: state, hiddenSize: hiddenSize)
        }
    }

    /// ``updateGRU(inputGates:hiddenGates:state:hiddenSize:)`` with the C library's exp and tanh.
    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    static func updateGRUPortably(
        inputGates: UnsafePointer<Float>, hiddenGates: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>, hiddenSize h: Int
    ) {
        for j in 0..<h {
            let reset = logistic(inputGates[j] + hiddenGates[j])
            let update = logistic(inputGates[h + j] + hiddenGates[h + j])
            let candidate = tanhf(inputGates[2 * h + j] + reset * hiddenGates[2 * h + j])
            state[j] = (1 - update) * candidate + update * state[j]
        }
    }

    /// Rows of a weight matrix start wherever the previous one ended, so loads are unaligned.
    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    private static func load<V: SIMD>(_: V.Type, _ pointer: UnsafePointer<Float>) -> V where V.Scalar == Float {
        UnsafeRawPointer(pointer).loadUnaligned(as: V.self)
    }
}
