import Foundation
import SampleMindInference
import SampleMindTestSupport
import XCTest

/// Reference outputs from reference_vectors.py: fixed random weights and inputs, outputs from
/// training/reference.py (numpy, float64), model files from training/export.py.
enum ReferenceVectors {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("reference_vectors.py").path

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs the script for `name` into `scratch` and decodes the JSON it wrote.
    static func make<T: Decodable>(_ name: String, in scratch: ScratchDirectory, as _: T.Type = T.self) throws -> T {
        // -B: no __pycache__ beside the scripts (SwiftPM would see unhandled files in the test folder).
        let python = try ChildProcess(
            "/usr/bin/python3", ["-B", script, name, scratch.path], label: "python-\(name)", in: scratch)
        guard python.waitForExit(timeout: 120) else {
            python.stop()
            throw Failure(description: "reference_vectors.py \(name) did not finish in 120 s")
        }
        guard python.process.terminationStatus == 0 else {
            throw Failure(description: "reference_vectors.py \(name) failed "
                + "(numpy for /usr/bin/python3 is Debian's python3-numpy, installed by "
                + "scripts/install-dependencies --for-tests):\n\(python.errors)")
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch.file("\(name).json")))
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Runs the script for `name` in a scratch directory of its own, removed afterwards.
    static func make<T: Decodable>(_ name: String, as _: T.Type = T.self) throws -> T {
        let scratch = try ScratchDirectory("samplemind-inference")
        defer { scratch.remove() }
        return try make(name, in: scratch)
    }
}

/// One layer's weights, a sequence of input frames and numpy's outputs for them.
struct LayerCase: Decodable {
    let activation: String
    let sizes: [String: Int]
    let parameter: Float
    let tensors: [String: [Float]]
    let inputs: [[Float]]
    let expected: [[Double]]

    var activationValue: Activation { Activation.allCases.first { $0.description == activation }! }

    func size(_ name: String) -> Int { sizes[name]! }

    func tensor(_ name: String) -> [Float] { tensors[name]! }
}

struct LayerCases: Decodable {
    let cases: [LayerCase]
}

/// Feeds `inputs` to `layer` frame by frame (state carried) and compares every output with `expected`.
func assertOutputs(
    of layer: some Layer, for inputs: [[Float]], match expected: [[Double]], accuracy: Double,
    _ label: String, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(inputs.count, expected.count, file: file, line: line)
    for (t, (input, wanted)) in zip(inputs, expected).enumerated() {
        let output = input.withUnsafeBufferPointer { layer.forward($0) }
        XCTAssertEqual(output.count, wanted.count, file: file, line: line)
        let worst = zip(output, wanted).map { abs(Double($0) - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, accuracy, "\(label), frame \(t): off by \(worst)", file: file, line: line)
    }
}
