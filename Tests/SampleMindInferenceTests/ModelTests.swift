import SampleMindInference
import SampleMindTestSupport
import XCTest

final class ModelTests: XCTestCase {
    private struct ModelCase: Decodable {
        let file: String
        let sha256: String
        let inputs: [[Float]]
        let expected: [[Double]]
    }

    func testModelFileWrittenByExport_runOverASequence_matchesNumpy() throws {
        let scratch = try ScratchDirectory("samplemind-inference")
        defer { scratch.remove() }
        let reference = try ReferenceVectors.make("model", in: scratch, as: ModelCase.self)
        let model = try Model(contentsOf: reference.file)
        XCTAssertEqual(model.layers.count, 7)
        XCTAssertEqual(model.inputSize, 24)
        XCTAssertEqual(model.outputSize, 5)
        XCTAssertEqual(model.sha256, reference.sha256)
        for (t, (input, wanted)) in zip(reference.inputs, reference.expected).enumerated() {
            let output = input.withUnsafeBufferPointer { model.forward($0) }
            let worst = zip(output, wanted).map { abs(Double($0) - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-4, "frame \(t): off by \(worst)")
        }
    }

    func testReset_replaysTheSameOutputsForTheSameInputs() throws {
        var weights = TestWeights(seed: 11)
        let model = try Model(layers: [.causalConv1D(try weights.causalConv1D(4, 6, kernel: 3, dilation: 2, .elu)),
                                       try weights.gru(6, 8), try weights.dense(8, 2, .sigmoid)])
        let frames = (0..<30).map { _ in weights.uniform(4, bound: 1) }
        let run = { frames.map { frame in frame.withUnsafeBufferPointer { Array(model.forward($0)) } } }
        let first = run()
        XCTAssertNotEqual(run(), first, "state carried on without a reset")
        model.reset()
        XCTAssertEqual(run(), first)
    }

    func testInit_whenLayersDoNotChain_throwsNamingTheLayers() throws {
        var weights = TestWeights(seed: 5)
        XCTAssertThrowsError(try Model(layers: [try weights.dense(4, 3, .relu), try weights.dense(5, 2, .identity)])) {
            let error = $0 as? ModelError
            XCTAssertEqual(error?.problem, .sizesDoNotChain(layer: 1, outputSize: 3, nextInputSize: 5))
            XCTAssertEqual(error?.path, nil)
            XCTAssertTrue("\($0)".hasPrefix("model: layer 1 outputs 3 values but layer 2 takes 5"), "\($0)")
        }
        XCTAssertThrowsError(try Model(layers: [])) {
            XCTAssertEqual(($0 as? ModelError)?.problem, .noLayers)
        }
    }
}
