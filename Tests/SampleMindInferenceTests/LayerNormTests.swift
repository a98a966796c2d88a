import SampleMindInference
import XCTest

final class LayerNormTests: XCTestCase {
    func testForward_matchesNumpyOnFramesFarFromZeroMean() throws {
        let item = try ReferenceVectors.make("layer_norm", as: LayerCases.self).cases[0]
        let norm = try LayerNorm(
            size: item.size("size"), gamma: item.tensor("gamma"), beta: item.tensor("beta"), epsilon: item.parameter,
            activation: item.activationValue)
        assertOutputs(of: norm, for: item.inputs, match: item.expected, accuracy: 1e-5, "layer norm")
    }

    func testInit_whenEpsilonIsNotPositiveAndSmall_throws() {
        for epsilon: Float in [0, -1e-5, 1, .nan, .infinity] {
            XCTAssertThrowsError(try LayerNorm(size: 1, gamma: [1], beta: [0], epsilon: epsilon), "ε = \(epsilon)") {
                guard case .invalidParameter(let reason) = $0 as? LayerError else { return XCTFail("\($0)") }
                XCTAssertTrue(reason.hasPrefix("layer norm epsilon"), reason)
            }
        }
    }
}
