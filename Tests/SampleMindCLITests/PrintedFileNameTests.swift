import Foundation
import SampleMindTestSupport
import XCTest

/// File names come from outside: a newline in one must not split a message in two, and an escape
/// sequence in one must not reach the terminal.
final class PrintedFileNameTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-names") }
    override func tearDown() { scratch.remove() }

    /// A name with a newline and an ANSI colour sequence, and how it must be printed.
    private var hostileName: (raw: String, printed: String) {
        (scratch.file("bad\nname\u{1B}[31m"), "\(scratch.path)/bad\\nname\\u{1B}[31m")
    }

    private func assertOneEscapedLine(_ outcome: SampleMindBinary.Outcome, naming printed: String,
                                      file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(outcome.timedOut, file: file, line: line)
        XCTAssertNotEqual(outcome.status, 0, file: file, line: line)
        XCTAssertFalse(outcome.standardError.utf8.contains(0x1B), "no raw ESC reaches the terminal", file: file, line: line)
        // The name as printed (escaped) begins "bad\n"; a bare "bad" could be part of a checksum in the log.
        let naming = outcome.errorLines.filter { $0.contains("bad\\n") || $0.hasSuffix("bad") }
        XCTAssertEqual(naming.count, 1, outcome.standardError, file: file, line: line)
        XCTAssertTrue(naming.first?.contains(printed) ?? false, "'\(outcome.standardError)' shows \(printed)", file: file, line: line)
        XCTAssertFalse(outcome.errorLines.contains { $0.hasPrefix("name") }, "the message is not split", file: file, line: line)
    }

    func testServe_whenTheInputFileNameHasControlCharacters_printsItEscapedOnOneLine() throws {
        let name = hostileName
        let outcome = try SampleMindBinary.run(["serve", "--input", "file", "--file", name.raw + ".wav", "--port", "0"], timeout: 20)
        assertOneEscapedLine(outcome, naming: name.printed + ".wav")
    }

    func testSegments_whenTheDatabaseNameHasControlCharacters_printsItEscapedOnOneLine() throws {
        let name = hostileName
        let outcome = try SampleMindBinary.run(["segments", "list", "--db", name.raw + ".db"], timeout: 20)
        assertOneEscapedLine(outcome, naming: name.printed + ".db")
    }

    func testDemo_whenTheOutputCannotBeWritten_printsItsNameEscapedOnOneLine() throws {
        let name = hostileName
        let outcome = try SampleMindBinary.run(["demo", "--seconds", "4", "--output", name.raw + "/missing-folder/demo.wav"], timeout: 20)
        assertOneEscapedLine(outcome, naming: name.printed + "/missing-folder/demo.wav")
    }
}
