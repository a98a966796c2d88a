import Foundation
import SampleMindInference
import SampleMindModels
import XCTest

/// The weights shipped with samplemind, run by the Swift engine, give what PyTorch gave for the
/// same inputs when they were trained (training/train.py --reference writes the fixture: 64 hops
/// of a validation piece's features and the network's three sigmoid outputs for each).
final class ShippedWeightsTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("shipped-detector-reference.json")

    struct Reference: Decodable {
        var inputs: [[Float]]
        var outputs: [[Float]]
    }

    func testShippedDetector_reproducesPyTorchsOutputsWithin1e4() throws {
        let path = try XCTUnwrap(ShippedModels.detectorPath)
        let model = try ModelFile(contentsOf: path).makeModel()
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.fixture))
        XCTAssertEqual(reference.inputs.count, 64)
        XCTAssertEqual(model.inputSize, reference.inputs[0].count)
        var worst: Float = 0
        for (input, expected) in zip(reference.inputs, reference.outputs) {
            let output = input.withUnsafeBufferPointer { Array(model.forward($0)) }
            XCTAssertEqual(output.count, expected.count)
            for (a, b) in zip(output, expected) { worst = max(worst, abs(a - b)) }
        }
        XCTAssertLessThan(worst, 1e-4, "largest difference from PyTorch: \(worst)")
    }

    func testShippedDetector_isNamedByItsChecksumAndIsSmall() throws {
        let path = try XCTUnwrap(ShippedModels.detectorPath)
        let file = try ModelFile(contentsOf: path)
        XCTAssertEqual(file.sha256.count, 64)
        XCTAssertEqual(file.outputSize, 3, "onset, beat and downbeat")
        XCTAssertLessThan(file.parameterCount, 1_000_000, "a few MB at most")
    }
}
