@testable import SampleMindInference
import XCTest

/// The AVX2/FMA kernel and the portable Swift SIMD path compute the same products (to float
/// rounding), for every shape the blocking and the tails can meet.
final class VectorMathTests: XCTestCase {
    private func product(
        _ rows: Int, _ columns: Int, seed: UInt64,
        _ multiply: (UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> (result: [Float], exact: [Double]) {
        var random = TestWeights(seed: seed)
        let matrix = random.uniform(rows * columns, bound: 1), vector = random.uniform(columns, bound: 2)
        let bias = random.uniform(rows, bound: 0.5)
        var result = [Float](repeating: .nan, count: rows)
        multiply(matrix, rows, columns, vector, bias, &result)
        let exact = (0..<rows).map { r in
            Double(bias[r]) + (0..<columns).reduce(0.0) { $0 + Double(matrix[r * columns + $1]) * Double(vector[$1]) }
        }
        return (result, exact)
    }

    func testBothPaths_matchTheExactProduct_forEveryBlockingAndTail() throws {
        var shapes: [(Int, Int)] = []
        for rows in 1...9 { for columns in [1, 3, 7, 8, 9, 15, 16, 17, 31, 64, 96] { shapes.append((rows, columns)) } }
        shapes += [(64, 654), (288, 64), (288, 96), (3, 96), (64, 192)]
        for (n, (rows, columns)) in shapes.enumerated() {
            let portable = product(rows, columns, seed: UInt64(n + 1)) {
                VectorMath.multiplyPortably($0, rows: $1, columns: $2, by: $3, adding: $4, into: $5)
            }
            let chosen = product(rows, columns, seed: UInt64(n + 1)) {
                VectorMath.multiply($0, rows: $1, columns: $2, by: $3, adding: $4, into: $5)
            }
            let tolerance = 1e-5 * Double(columns).squareRoot() * 2
            for r in 0..<rows {
                XCTAssertEqual(Double(portable.result[r]), portable.exact[r], accuracy: tolerance, "portable \(rows)×\(columns) row \(r)")
                XCTAssertEqual(Double(chosen.result[r]), chosen.exact[r], accuracy: tolerance, "chosen \(rows)×\(columns) row \(r)")
            }
        }
    }

    func testKernelChoice_followsTheProcessor() throws {
        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("flags") }.map { Set($0.split(separator: " ").map(String.init)) } ?? []
        guard flags.contains("sse2") else { throw XCTSkip("not an x86-64 processor: the portable path is the only one") }
        XCTAssertEqual(VectorMath.usesAVX2FMA, flags.contains("avx2") && flags.contains("fma"), "cpuinfo flags and CPUID agree")
    }
}

extension VectorMathTests {
    func testGRUUpdate_bothPaths_agreeWithTheLibraryFunctions_overTheWholeRange() {
        for hidden in [1, 5, 8, 13, 96] {
            var random = TestWeights(seed: UInt64(hidden))
            // Pre-activations from tiny to far past saturation, both signs.
            let inputGates = random.uniform(3 * hidden, bound: 30), hiddenGates = random.uniform(3 * hidden, bound: 30)
            let start = random.uniform(hidden, bound: 1)
            var portable = start, chosen = start
            VectorMath.updateGRUPortably(inputGates: inputGates, hiddenGates: hiddenGates, state: &portable, hiddenSize: hidden)
            VectorMath.updateGRU(inputGates: inputGates, hiddenGates: hiddenGates, state: &chosen, hiddenSize: hidden)
            for j in 0..<hidden {
                XCTAssertEqual(chosen[j], portable[j], accuracy: 2e-6, "hidden \(hidden), unit \(j)")
                XCTAssertTrue((-1...1).contains(chosen[j]))
            }
        }
        // Small pre-activations, where tanh's formula loses the most.
        let hidden = 16
        let small = (0..<(3 * hidden)).map { Float($0 - 24) * 1e-4 }
        var portable = [Float](repeating: 0.3, count: hidden), chosen = portable
        VectorMath.updateGRUPortably(inputGates: small, hiddenGates: small, state: &portable, hiddenSize: hidden)
        VectorMath.updateGRU(inputGates: small, hiddenGates: small, state: &chosen, hiddenSize: hidden)
        for j in 0..<hidden { XCTAssertEqual(chosen[j], portable[j], accuracy: 2e-6, "small pre-activations, unit \(j)") }
    }
}
