import SampleMindInference
import XCTest

final class ActivationTests: XCTestCase {
    private struct Cases: Decodable {
        struct Case: Decodable {
            let activation: String
            let input: [Float]
            let expected: [Double]
        }
        let cases: [Case]
    }

    func testApply_matchesNumpyForEveryActivation_includingSaturatingValues() throws {
        let reference = try ReferenceVectors.make("activations", as: Cases.self)
        XCTAssertEqual(Set(reference.cases.map(\.activation)), Set(Activation.allCases.map(\.description)))
        for item in reference.cases {
            let activation = Activation.allCases.first { $0.description == item.activation }!
            var values = item.input
            values.withUnsafeMutableBufferPointer { activation.apply(to: $0) }
            for (i, (value, wanted)) in zip(values, item.expected).enumerated() {
                XCTAssertEqual(Double(value), wanted, accuracy: 1e-5, "\(activation) of \(item.input[i])")
            }
        }
    }

    func testSoftmax_ofHugeValues_staysFiniteAndSumsToOne() {
        var values: [Float] = [1000, 999, -1000, 80]
        values.withUnsafeMutableBufferPointer { Activation.softmax.apply(to: $0) }
        XCTAssertTrue(values.allSatisfy(\.isFinite), "\(values)")
        XCTAssertEqual(values.reduce(0, +), 1, accuracy: 1e-6)
        XCTAssertEqual(values[0] / values[1], Float(M_E), accuracy: 1e-4)
    }
}
