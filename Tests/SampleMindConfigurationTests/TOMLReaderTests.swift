@testable import SampleMindConfiguration
import XCTest

/// The TOML reader on its own: what TOML 1.0 spells for the values SampleMind's options take, and
/// a syntax error with line and column for everything else.
final class TOMLReaderTests: XCTestCase {
    private func values(_ text: String) throws -> [String: TOMLReader.Value] {
        var found: [String: TOMLReader.Value] = [:]
        for entry in try TOMLReader.read(text) {
            if let value = entry.value { found[entry.path.joined(separator: ".")] = value }
        }
        return found
    }

    private func syntaxError(_ text: String) -> TOMLReader.SyntaxError? {
        do {
            _ = try TOMLReader.read(text)
            return nil
        } catch {
            return error
        }
    }

    func testRead_tablesDottedAndQuotedKeys_giveFullPathsWithTheirLines() throws {
        let entries = try TOMLReader.read("# comment\n[input]\nkind = \"file\"\nfile.loop = true\n\"channels\" = 2\n[server]\nport=8080 # trailing\n")
        XCTAssertEqual(entries.map { $0.path.joined(separator: ".") },
                       ["input", "input.kind", "input.file.loop", "input.channels", "server", "server.port"])
        XCTAssertEqual(entries.map(\.line), [2, 3, 4, 5, 6, 7])
        XCTAssertNil(entries[0].value)
    }

    func testRead_numbers_followTOMLsSpellings() throws {
        let read = try values("a = 1_000\nb = -17\nc = 0x1F\nd = 0o17\ne = 0b101\nf = 2.5\ng = 1e3\nh = -0.5E-2\ni = inf\nj = -inf\nk = +12\n")
        XCTAssertEqual(read["a"], .integer(1_000))
        XCTAssertEqual(read["b"], .integer(-17))
        XCTAssertEqual(read["c"], .integer(31))
        XCTAssertEqual(read["d"], .integer(15))
        XCTAssertEqual(read["e"], .integer(5))
        XCTAssertEqual(read["f"], .float(2.5))
        XCTAssertEqual(read["g"], .float(1_000))
        XCTAssertEqual(read["h"], .float(-0.005))
        XCTAssertEqual(read["i"], .float(.infinity))
        XCTAssertEqual(read["j"], .float(-.infinity))
        XCTAssertEqual(read["k"], .integer(12))
        guard case .float(let notANumber) = try values("n = nan\n")["n"] else { return XCTFail("nan is a float") }
        XCTAssertTrue(notANumber.isNaN)
    }

    func testRead_whenANumberIsMisspelled_namesItWithItsColumn() {
        for text in ["port = 08080\n", "port = 1__0\n", "port = _1\n", "port = 1.\n", "port = .5\n", "port = 1e\n", "port = 0x\n",
                     "port = 99999999999999999999999\n"] {
            let error = syntaxError(text)
            XCTAssertEqual(error?.line, 1, text)
            XCTAssertEqual(error?.column, 8, text)
        }
        XCTAssertTrue(syntaxError("when = 1979-05-27\n")?.message.contains("dates") ?? false)
        XCTAssertTrue(syntaxError("when = 07:32:00\n")?.message.contains("dates") ?? false)
    }

    func testRead_strings_basicLiteralAndMultiLine() throws {
        let read = try values(
            "a = \"tab\\there \\u00e9 \\\"q\\\"\"\nb = 'C:\\path'\nc = \"\"\"\nline one\nline two\"\"\"\nd = '''\nraw \\n'''\ne = \"\"\"joined \\\n    here\"\"\"\n")
        XCTAssertEqual(read["a"], .string("tab\there é \"q\""))
        XCTAssertEqual(read["b"], .string("C:\\path"))
        XCTAssertEqual(read["c"], .string("line one\nline two"))
        XCTAssertEqual(read["d"], .string("raw \\n"))
        XCTAssertEqual(read["e"], .string("joined here"))
    }

    func testRead_listsOverSeveralLinesWithCommentsAndATrailingComma() throws {
        let read = try values("connect = [\n  \"system:capture_1\", # left\n  \"system:capture_2\",\n]\nempty = []\n")
        XCTAssertEqual(read["connect"], .list([.string("system:capture_1"), .string("system:capture_2")]))
        XCTAssertEqual(read["empty"], .list([]))
    }

    func testRead_whenAKeyOrTableIsDefinedTwice_namesTheLine() {
        XCTAssertEqual(syntaxError("[server]\nport = 1\nport = 2\n")?.line, 3)
        XCTAssertEqual(syntaxError("[server]\n[input]\n[server]\n")?.line, 3)
    }

    func testRead_whatTheConfigurationNeverUses_isRefusedSayingSo() {
        XCTAssertTrue(syntaxError("[[targets]]\n")?.message.contains("arrays of tables") ?? false)
        XCTAssertTrue(syntaxError("server = { port = 1 }\n")?.message.contains("inline tables") ?? false)
    }

    func testRead_whenTheTextIsBroken_givesLineAndColumnAndNeverHangs() {
        let broken = ["a = \"open\n", "a = 'open\n", "a = \"\"\"never closed", "a = [1, 2\n", "a = [1 2]\n", "a = \n", "a\n", "= 1\n",
                      "a = 1 b = 2\n", "a = \"\\q\"\n", "a = \"\\u12\"\n", "a = \"\\uD800\"\n", "a = 1\r", "a = \"\u{7F}\"\n",
                      String(repeating: "[", count: 100), "x = " + String(repeating: "[", count: 100)]
        for text in broken {
            let error = syntaxError(text)
            XCTAssertNotNil(error, text.debugDescription)
            XCTAssertGreaterThanOrEqual(error?.line ?? 0, 1, text.debugDescription)
            XCTAssertGreaterThanOrEqual(error?.column ?? 0, 1, text.debugDescription)
            XCTAssertFalse(error?.message.isEmpty ?? true, text.debugDescription)
        }
    }

    func testRead_whenLinesEndInCRLFOrTheFileStartsWithAByteOrderMark_readsTheSame() throws {
        let plain = try TOMLReader.read("[server]\nport = 8080\n")
        XCTAssertEqual(try TOMLReader.read("\u{FEFF}[server]\r\nport = 8080\r\n"), plain)
    }
}
