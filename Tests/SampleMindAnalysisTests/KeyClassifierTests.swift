import Foundation
@testable import SampleMindAnalysis
import SampleMindModels
import SampleMindSynthesis
import XCTest

/// The shipped key classifier: Swift gives the training framework's probabilities, treats every
/// transposition alike, finds keys in music and is used by the analyzer when configured.
final class KeyClassifierTests: XCTestCase {
    private struct Reference: Decodable {
        let weights_sha256: String
        let inputs: [[Float]]
        let probabilities: [[Float]]
    }

    private static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("key-classifier-reference.json")

    private func probabilities(_ classifier: KeyClassifier, _ values: [Float]) -> [Float] {
        let input = KeyInput(updatesPerSecond: 25)
        for i in 0..<KeyInput.valueCount { input.values[i] = values[i] }
        var scores = [Float](repeating: 0, count: 24)
        classifier.score(input, into: &scores)
        return scores
    }

    func testSwift_givesPyTorchsProbabilities_onFixedInputs() throws {
        // training/train_key.py --reference Sources/SampleMindModels/Weights/key.smnn wrote the fixture.
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.fixture))
        let model = try KeyWeights.load(nil)
        XCTAssertEqual(model.weights.sha256, reference.weights_sha256, "the fixture belongs to the shipped weights")
        let classifier = KeyClassifier(model)
        XCTAssertEqual(reference.inputs.count, 16)
        for (input, expected) in zip(reference.inputs, reference.probabilities) {
            let got = probabilities(classifier, input)
            for k in 0..<24 { XCTAssertEqual(got[k], expected[k], accuracy: 1e-4, "key \(k)") }
            XCTAssertEqual(got.reduce(0, +), 1, accuracy: 1e-5)
        }
    }

    func testTransposedInput_givesTheSameProbabilities_transposed() throws {
        let classifier = KeyClassifier(try KeyWeights.load(nil))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.fixture))
        let input = reference.inputs[5]
        let original = probabilities(classifier, input)
        for shift in 1..<12 {
            var moved = [Float](repeating: 0, count: 24)
            for i in 0..<12 {
                moved[(i + shift) % 12] = input[i]
                moved[12 + (i + shift) % 12] = input[12 + i]
            }
            let transposed = probabilities(classifier, moved)
            for tonic in 0..<12 {
                XCTAssertEqual(transposed[(tonic + shift) % 12], original[tonic], accuracy: 1e-6, "major, shift \(shift)")
                XCTAssertEqual(transposed[12 + (tonic + shift) % 12], original[12 + tonic], accuracy: 1e-6, "minor, shift \(shift)")
            }
        }
    }

    func testAnalyzer_withTheClassifier_findsMajorAndMinorKeysOfProgressions() throws {
        let rate = 44_100.0
        for (tonic, minor, expected) in [(0, false, "C major"), (9, true, "A minor"), (7, false, "G major"), (2, true, "D minor")] {
            let model = try KeyWeights.load(nil)
            let music = Harmony.progression(tonic: tonic, minor: minor, seconds: 12, sampleRate: rate)
            let run = try AnalysisRun.analyse(music) { $0.keyModel = model }
            XCTAssertEqual(run.keyEvents.last.map { "\($0.key)" }, expected, "progression on \(expected)")
        }
    }

    func testKeyWeights_thatAreNotAKeyClassifier_areRefusedNamingTheFile() throws {
        let detector = try XCTUnwrap(ShippedModels.detectorPath)
        XCTAssertThrowsError(try KeyWeights.load(detector)) {
            XCTAssertTrue("\($0)".contains("takes 218 values and gives 3; a key classifier takes 24"), "\($0)")
        }
        XCTAssertThrowsError(try KeyModel(weights: try KeyWeights.load(nil).weights, changeMargin: 1)) {
            XCTAssertTrue("\($0)".contains("between 0 and 1"), "\($0)")
        }
    }
}
