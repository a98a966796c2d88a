/// The inner loops of every layer, on Swift's SIMD types: sixteen lanes (two AVX or four SSE
/// registers) while they last, then eight, then a scalar tail, so no size needs padding.
enum VectorMath {
    /// Σ a[i]·b[i] over `count` values. Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
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
        for row in 0..<rows {
            result[row] = bias[row] + dot(matrix + row * columns, vector, count: columns)
        }
    }

    /// Rows of a weight matrix start wherever the previous one ended, so loads are unaligned.
    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    private static func load<V: SIMD>(_: V.Type, _ pointer: UnsafePointer<Float>) -> V where V.Scalar == Float {
        UnsafeRawPointer(pointer).loadUnaligned(as: V.self)
    }
}
