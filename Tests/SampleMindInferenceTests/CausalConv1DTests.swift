import SampleMindInference
import XCTest

final class CausalConv1DTests: XCTestCase {
    func testForward_matchesNumpyForSeveralKernelSizesAndDilations() throws {
        let reference = try ReferenceVectors.make("causal_conv1d", as: LayerCases.self)
        for item in reference.cases {
            let conv = try CausalConv1D(
                inputChannels: item.size("input"), outputChannels: item.size("output"), kernelSize: item.size("kernel"),
                dilation: item.size("dilation"), weights: item.tensor("weight"), bias: item.tensor("bias"),
                activation: item.activationValue)
            XCTAssertEqual(conv.historyLength, (item.size("kernel") - 1) * item.size("dilation") + 1)
            assertOutputs(
                of: conv, for: item.inputs, match: item.expected, accuracy: 1e-5,
                "kernel \(item.size("kernel")), dilation \(item.size("dilation"))")
        }
    }

    /// Output t must depend on inputs ≤ t only, and on none older than its receptive field.
    func testForward_outputDependsOnlyOnInputsWithinItsPastReceptiveField() throws {
        var weights = TestWeights(seed: 7)
        let conv = try weights.causalConv1D(3, 4, kernel: 3, dilation: 4, .tanh)
        let frames = (0..<40).map { _ in weights.uniform(3, bound: 1) }
        var changed = frames
        let changedFrame = 17
        changed[changedFrame][1] += 0.5
        let run = { (inputs: [[Float]]) -> [[Float]] in
            conv.reset()
            return inputs.map { input in input.withUnsafeBufferPointer { Array(conv.forward($0)) } }
        }
        let before = run(frames), after = run(changed)
        for t in 0..<frames.count {
            // The taps read frames t, t − 4 and t − 8.
            let reads = [t, t - 4, t - 8].contains(changedFrame)
            XCTAssertEqual(before[t] != after[t], reads, "frame \(t)")
        }
    }

    func testReset_forgetsTheHistory() throws {
        var weights = TestWeights(seed: 3)
        let conv = try weights.causalConv1D(2, 2, kernel: 2, dilation: 3, .identity)
        let frame: [Float] = [0.3, -0.7]
        let first = frame.withUnsafeBufferPointer { Array(conv.forward($0)) }
        for _ in 0..<5 { frame.withUnsafeBufferPointer { _ = conv.forward($0) } }
        conv.reset()
        XCTAssertEqual(frame.withUnsafeBufferPointer { Array(conv.forward($0)) }, first)
    }

    func testInit_whenKernelDilationOrHistoryAreOutOfBounds_throwsSayingWhich() {
        func make(_ channels: Int, kernel: Int, dilation: Int) throws -> CausalConv1D {
            try CausalConv1D(
                inputChannels: channels, outputChannels: 1, kernelSize: kernel, dilation: dilation, weights: [], bias: [0])
        }
        XCTAssertThrowsError(try make(2, kernel: 0, dilation: 1)) {
            XCTAssertEqual($0 as? LayerError, .invalidParameter("causal conv1d kernel size must be 1…64, got 0"))
        }
        XCTAssertThrowsError(try make(2, kernel: 3, dilation: 2000)) {
            XCTAssertEqual($0 as? LayerError, .invalidParameter("causal conv1d dilation must be 1…1024, got 2000"))
        }
        XCTAssertThrowsError(try make(4096, kernel: 64, dilation: 1024)) {
            guard case .invalidParameter(let reason) = $0 as? LayerError else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.hasPrefix("causal conv1d history"), reason)
        }
        XCTAssertThrowsError(try make(2, kernel: 3, dilation: 1)) {
            XCTAssertEqual($0 as? LayerError, .wrongTensorLength(tensor: "causal conv1d weight", expected: 6, actual: 0))
        }
    }
}
