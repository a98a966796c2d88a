@testable import SampleMindAnalysis
import XCTest

final class ActivationPeakPickerTests: XCTestCase {
    /// Runs `values` through a picker; the hops (indices into `values`) it reports as peaks.
    private func peaks(_ values: [Float], threshold: Float = 0.5, preMax: Int = 3, combine: Int = 3) throws -> [Int] {
        var picker = try ActivationPeakPicker(threshold: threshold, preMaxFrames: preMax, combineFrames: combine)
        var found: [Int] = []
        for (hop, value) in values.enumerated() {
            if let peak = picker.process(value) {
                XCTAssertEqual(peak, values[hop - 1], "the value reported is the peak's, one hop back")
                found.append(hop - 1)
            }
        }
        return found
    }

    func testPeak_isReportedOneHopLate_atItsOwnHop() throws {
        XCTAssertEqual(try peaks([0, 0, 0, 0, 0, 0.9, 0.2, 0, 0, 0]), [5])
    }

    func testValues_belowTheThreshold_areNeverPeaks() throws {
        XCTAssertEqual(try peaks([0, 0, 0, 0, 0, 0.49, 0.1, 0, 0, 0]), [])
        XCTAssertEqual(try peaks([0, 0, 0, 0, 0, 0.5, 0.1, 0, 0, 0]), [5], "reaching the threshold is enough")
    }

    func testRisingValue_peaksWhereItStopsRising() throws {
        XCTAssertEqual(try peaks([0, 0, 0, 0, 0.6, 0.7, 0.8, 0.3, 0, 0]), [6])
    }

    func testPlateau_givesOnePeak_atItsStart() throws {
        XCTAssertEqual(try peaks([0, 0, 0, 0, 0.8, 0.8, 0.8, 0, 0, 0]), [4])
    }

    func testSecondPeak_withinTheCombineWidth_isDropped_andAfterItIsKept() throws {
        XCTAssertEqual(try peaks([0, 0, 0, 0, 0.9, 0, 0, 0.9, 0, 0, 0, 0], combine: 3), [4])
        XCTAssertEqual(try peaks([0, 0, 0, 0, 0.9, 0, 0, 0, 0.9, 0, 0, 0], combine: 3), [4, 8])
    }

    func testHigherValue_inTheLookBack_suppressesALowerPeak() throws {
        // 0.7 at hop 6 follows 0.9 at hop 4 within the 3-hop look-back (and the combine width is 0).
        XCTAssertEqual(try peaks([0, 0, 0, 0, 0.9, 0.1, 0.7, 0, 0, 0], combine: 0), [4])
        XCTAssertEqual(try peaks([0, 0, 0, 0, 0.9, 0.1, 0.1, 0.1, 0.7, 0, 0], combine: 0), [4, 8])
    }

    func testFirstHops_beforeTheLookBackIsFull_giveNoPeak() throws {
        XCTAssertEqual(try peaks([0.9, 0, 0, 0, 0, 0]), [])
    }

    func testBadSettings_areRefused_sayingWhichAndWhy() {
        for (threshold, preMax, combine, phrase) in [
            (Float(0), 3, 3, "above 0 and at most 1"), (1.5, 3, 3, "above 0 and at most 1"), (.nan, 3, 3, "above 0"),
            (0.5, 0, 3, "looks back 1 to 6 hops, not 0"), (0.5, 7, 3, "not 7"), (0.5, 3, -1, "over -1 hops"),
        ] {
            XCTAssertThrowsError(try ActivationPeakPicker(threshold: threshold, preMaxFrames: preMax, combineFrames: combine)) {
                XCTAssertTrue("\($0)".contains(phrase), "\($0) should say '\(phrase)'")
            }
        }
    }
}
