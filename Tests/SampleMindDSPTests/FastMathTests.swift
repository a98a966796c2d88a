import Glibc
import SampleMindDSP
import XCTest

final class FastMathTests: XCTestCase {
    func testFastLog2_isWithinAHundredThousandthOfLog2() {
        var x: Float = 1e-12
        while x < 1e12 {
            XCTAssertEqual(fastLog2(x), log2(x), accuracy: 1e-4, "at \(x)")
            x *= 1.37
        }
    }

    func testDecibels_floorsSilenceAndReadsFullScaleAsZero() {
        XCTAssertEqual(decibels(power: 1), 0, accuracy: 1e-3)
        XCTAssertEqual(decibels(power: 0.01), -20, accuracy: 1e-3)
        XCTAssertEqual(decibels(power: 0), -200)
        XCTAssertEqual(decibels(power: 1e-30, floor: -120), -120)
    }

    func testWindow_hannSumsToHalfItsLength() {
        let window = WindowFunction(hannOfSize: 2048)
        XCTAssertEqual(window.sum, 1024, accuracy: 0.01)
        XCTAssertEqual(window.coefficients[0], 0)
        XCTAssertEqual(window.coefficients[1024], 1, accuracy: 1e-6)
    }
}
