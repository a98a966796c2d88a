import SampleMindInference
import XCTest

final class BatchNormTests: XCTestCase {
    /// export.py folds the statistics; numpy applies the unfolded formula, so the fold is checked too.
    func testForward_matchesTheUnfoldedBatchNormInNumpy() throws {
        let item = try ReferenceVectors.make("batch_norm", as: LayerCases.self).cases[0]
        let norm = try BatchNorm(
            size: item.size("size"), scale: item.tensor("scale"), shift: item.tensor("shift"), activation: item.activationValue)
        assertOutputs(of: norm, for: item.inputs, match: item.expected, accuracy: 1e-5, "batch norm")
    }

    func testInit_whenSizesOrTensorsAreWrong_throwsSayingWhich() {
        XCTAssertThrowsError(try BatchNorm(size: 0, scale: [], shift: [])) {
            XCTAssertEqual($0 as? LayerError, .invalidParameter("batch norm size must be 1…4096, got 0"))
        }
        XCTAssertThrowsError(try BatchNorm(size: 2, scale: [1, 1], shift: [0])) {
            XCTAssertEqual($0 as? LayerError, .wrongTensorLength(tensor: "batch norm shift", expected: 2, actual: 1))
        }
    }
}
