import SampleMindValidation
import XCTest

final class CheckedNumberTests: XCTestCase {
    /// The values a hostile sender tries first.
    static let hostile: [Double] = [.nan, -.nan, .infinity, -.infinity, 1e308, -1e308, 9.223372036854775807e18,
                                    -9.223372036854775808e18, 1.8446744073709552e19, .greatestFiniteMagnitude,
                                    .leastNonzeroMagnitude, -.leastNonzeroMagnitude]

    func testWholeNumber_whenValueIsHostile_refusesWithoutTrapping() {
        for value in Self.hostile {
            XCTAssertNil(CheckedNumber.wholeNumber(value, in: 1...16), "\(value)")
            if value != -0x1p63 { XCTAssertNil(CheckedNumber.wholeNumber(value, in: Int.min...Int.max), "\(value)") }
        }
        XCTAssertEqual(CheckedNumber.wholeNumber(-0x1p63, in: Int.min...Int.max), Int.min)
        XCTAssertNil(CheckedNumber.wholeNumber(0x1p63, in: Int.min...Int.max))
    }

    func testWholeNumber_whenValueIsWholeAndInRange_returnsIt() {
        XCTAssertEqual(CheckedNumber.wholeNumber(3.0, in: 1...16), 3)
        XCTAssertEqual(CheckedNumber.wholeNumber(-0.0, in: 0...16), 0)
        XCTAssertEqual(CheckedNumber.wholeNumber(-2_147_483_648.0, in: Int.min...0), -2_147_483_648)
    }

    func testWholeNumber_whenValueIsFractionalOrOutOfRange_refuses() {
        XCTAssertNil(CheckedNumber.wholeNumber(3.5, in: 1...16))
        XCTAssertNil(CheckedNumber.wholeNumber(17.0, in: 1...16))
        XCTAssertNil(CheckedNumber.wholeNumber(-0.0, in: 1...16))
        XCTAssertNil(CheckedNumber.wholeNumber(-2_147_483_648.0, in: 1...16))
    }

    func testWholeNumber_ofIntegers_checksTheRangeAtAnyWidth() {
        XCTAssertEqual(CheckedNumber.wholeNumber(Int32(4), in: 1...16), 4)
        XCTAssertNil(CheckedNumber.wholeNumber(Int32.min, in: 1...16))
        XCTAssertNil(CheckedNumber.wholeNumber(Int64.max, in: 1...16))
        XCTAssertNil(CheckedNumber.wholeNumber(UInt64.max, in: Int.min...Int.max))
    }

    func testNumber_refusesNaNAndInfinities() {
        for value in [Double.nan, .infinity, -.infinity] { XCTAssertNil(CheckedNumber.number(value, in: -.greatestFiniteMagnitude ... .greatestFiniteMagnitude)) }
        XCTAssertEqual(CheckedNumber.number(30, in: 1...120), 30)
        XCTAssertNil(CheckedNumber.number(1e308, in: 1...120))
    }

    func testParsing_refusesWhatIsNotAPlainNumber() {
        for text in ["", " 3", "3 ", "nan", "inf", "-inf", "infinity", "1e308", "0x10", "3.0", "99999999999999999999999", "+-3"] {
            XCTAssertNil(CheckedNumber.wholeNumber(parsing: text, in: Int.min...Int.max), text)
        }
        for text in ["nan", "NaN", "inf", "-infinity", "1e309", "", "1,5"] {
            XCTAssertNil(CheckedNumber.number(parsing: text, in: -1e300...1e300), text)
        }
        XCTAssertEqual(CheckedNumber.wholeNumber(parsing: "-12", in: -20...0), -12)
        XCTAssertEqual(CheckedNumber.number(parsing: "2.5", in: 0...10), 2.5)
    }
}

final class PrintableTextTests: XCTestCase {
    func testEscaped_whenTextHasControlCharacters_keepsItOnOneLine() {
        XCTAssertEqual(PrintableText.escaped("a\nb"), "a\\nb")
        XCTAssertEqual(PrintableText.escaped("\u{1B}[31mred"), "\\u{1B}[31mred")
        XCTAssertEqual(PrintableText.escaped("tab\there\r"), "tab\\there\\r")
        XCTAssertEqual(PrintableText.escaped("\u{9B}x\u{7F}"), "\\u{9B}x\\u{7F}")
    }

    func testEscaped_whenTextIsPrintable_leavesItAlone() {
        XCTAssertEqual(PrintableText.escaped("Café del Mar – live.flac"), "Café del Mar – live.flac")
    }

    func testEscaped_escapesTheEscapeCharacterItself_soEscapesCannotBeForged() {
        XCTAssertEqual(PrintableText.escaped("a\\nb"), "a\\\\nb")
    }
}
