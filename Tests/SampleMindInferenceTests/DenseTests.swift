import SampleMindInference
import XCTest

final class DenseTests: XCTestCase {
    func testForward_matchesNumpyForEveryActivation() throws {
        let reference = try ReferenceVectors.make("dense", as: LayerCases.self)
        XCTAssertEqual(reference.cases.count, Activation.allCases.count)
        for item in reference.cases {
            let layer = try Dense(
                inputSize: item.size("input"), outputSize: item.size("output"), weights: item.tensor("weight"),
                bias: item.tensor("bias"), activation: item.activationValue)
            assertOutputs(of: layer, for: item.inputs, match: item.expected, accuracy: 1e-5, "dense, \(item.activation)")
        }
    }

    func testInit_whenSizesOrTensorsAreWrong_throwsSayingWhich() {
        XCTAssertThrowsError(try Dense(inputSize: 0, outputSize: 2, weights: [], bias: [0, 0])) { error in
            XCTAssertEqual(error as? LayerError, .invalidParameter("dense input size must be 1…4096, got 0"))
        }
        XCTAssertThrowsError(try Dense(inputSize: 5000, outputSize: 1, weights: [], bias: [0])) { error in
            XCTAssertEqual(error as? LayerError, .invalidParameter("dense input size must be 1…4096, got 5000"))
        }
        XCTAssertThrowsError(try Dense(inputSize: 2, outputSize: 2, weights: [1, 2, 3], bias: [0, 0])) { error in
            XCTAssertEqual(error as? LayerError, .wrongTensorLength(tensor: "dense weight", expected: 4, actual: 3))
        }
        XCTAssertThrowsError(try Dense(inputSize: 1, outputSize: 2, weights: [1, 2], bias: [0, .nan])) { error in
            XCTAssertEqual(error as? LayerError, .nonFinite(tensor: "dense bias", index: 1))
            XCTAssertEqual("\(error)", "dense bias[1] is NaN or infinite")
        }
    }
}
