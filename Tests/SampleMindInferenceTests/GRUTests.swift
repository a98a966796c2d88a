import SampleMindInference
import XCTest

final class GRUTests: XCTestCase {
    private func makeGRU(_ item: LayerCase) throws -> GRU {
        try GRU(
            inputSize: item.size("input"), hiddenSize: item.size("hidden"), inputWeights: item.tensor("weight_ih"),
            hiddenWeights: item.tensor("weight_hh"), inputBias: item.tensor("bias_ih"), hiddenBias: item.tensor("bias_hh"))
    }

    func testForward_overFiftySteps_matchesNumpyWithTheStateCarried() throws {
        let item = try ReferenceVectors.make("gru", as: LayerCases.self).cases[0]
        XCTAssertEqual(item.inputs.count, 50)
        let gru = try makeGRU(item)
        XCTAssertEqual(gru.outputSize, 24)
        XCTAssertEqual(gru.parameterCount, 3 * 24 * (29 + 24 + 2))
        assertOutputs(of: gru, for: item.inputs, match: item.expected, accuracy: 1e-5, "GRU")
    }

    func testReset_startsTheSequenceAgainFromAZeroState() throws {
        let item = try ReferenceVectors.make("gru", as: LayerCases.self).cases[0]
        let gru = try makeGRU(item)
        for input in item.inputs { input.withUnsafeBufferPointer { _ = gru.forward($0) } }
        gru.reset()
        XCTAssertEqual(Array(gru.output), [Float](repeating: 0, count: 24))
        assertOutputs(
            of: gru, for: Array(item.inputs.prefix(5)), match: Array(item.expected.prefix(5)), accuracy: 1e-5, "GRU after reset")
    }

    func testInit_whenSizesOrTensorsAreWrong_throwsSayingWhich() {
        XCTAssertThrowsError(try GRU(
            inputSize: 3, hiddenSize: 0, inputWeights: [], hiddenWeights: [], inputBias: [], hiddenBias: [])
        ) {
            XCTAssertEqual($0 as? LayerError, .invalidParameter("GRU hidden size must be 1…4096, got 0"))
        }
        XCTAssertThrowsError(try GRU(
            inputSize: 4096, hiddenSize: 4096, inputWeights: [], hiddenWeights: [], inputBias: [], hiddenBias: [])
        ) {
            guard case .invalidParameter(let reason) = $0 as? LayerError else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.hasPrefix("GRU parameter count must be 1…8388608"), reason)
        }
        let gates = [Float](repeating: 0.1, count: 6)
        XCTAssertThrowsError(try GRU(
            inputSize: 1, hiddenSize: 2, inputWeights: gates, hiddenWeights: gates + gates, inputBias: gates, hiddenBias: [1, 2]
        )) {
            XCTAssertEqual($0 as? LayerError, .wrongTensorLength(tensor: "GRU bias_hh", expected: 6, actual: 2))
        }
        XCTAssertThrowsError(try GRU(
            inputSize: 1, hiddenSize: 2, inputWeights: gates, hiddenWeights: gates + [0.1, 0.1, 0.1, .infinity, 0.1, 0.1],
            inputBias: gates, hiddenBias: gates
        )) {
            XCTAssertEqual($0 as? LayerError, .nonFinite(tensor: "GRU weight_hh", index: 9))
        }
    }
}
