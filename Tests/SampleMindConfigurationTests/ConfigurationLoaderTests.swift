import Foundation
import SampleMindConfiguration
import XCTest

final class ConfigurationLoaderTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: folder) }

    private func write(_ text: String) throws -> String {
        let path = folder.appendingPathComponent("samplemind.toml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func write(bytes: [UInt8], named name: String = "samplemind.toml") throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func failure(_ text: String, environment: [String: String] = [:]) throws -> String {
        try failure(at: try write(text), environment: environment)
    }

    private func failure(
        at path: String, environment: [String: String] = [:], overrides: [String: ConfigurationValue] = [:]
    ) throws -> String {
        do {
            _ = try ConfigurationLoader.load(filePath: path, environment: environment, overrides: overrides)
            XCTFail("\(path) should be refused")
            return ""
        } catch {
            return error.description
        }
    }

    /// Whether `message` stays on one line with no control character an attacker could put in it.
    private func assertOneLine(_ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(message.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                       "control characters must be escaped: \(message.debugDescription)", file: file, line: line)
    }

    func testLoad_precedenceIsDefaultsThenFileThenEnvironmentThenCommandLine() throws {
        let path = try write("[server]\nport = 9000\nhost = \"::1\"\nmax_clients = 5\n")
        let loaded = try ConfigurationLoader.load(
            filePath: path, environment: ["SAMPLEMIND_SERVER_PORT": "9100", "SAMPLEMIND_SERVER_MAX_CLIENTS": "7"],
            overrides: ["server.port": .integer(9200)])
        XCTAssertEqual(loaded.integer("server.port"), 9200)
        XCTAssertEqual(loaded.sources["server.port"], .commandLine)
        XCTAssertEqual(loaded.integer("server.max_clients"), 7)
        XCTAssertEqual(loaded.sources["server.max_clients"], .environment)
        XCTAssertEqual(loaded.string("server.host"), "::1")
        XCTAssertEqual(loaded.sources["server.host"], .file)
        XCTAssertEqual(loaded.string("log.level"), "info")
        XCTAssertEqual(loaded.sources["log.level"], .defaults)
        XCTAssertTrue(loaded.report.contains("server.port = 9200    # command line"))
    }

    func testLoad_whenKeyIsUnknown_namesItsPathAndLineAndSuggestsTheLikelyKey() throws {
        let message = try failure("[input]\nkind = \"jack\"\n\n[server]\nhost = \"127.0.0.1\"\nprot = 9000\n")
        XCTAssertTrue(message.contains("samplemind.toml:6"), message)
        XCTAssertTrue(message.contains("unknown key server.prot"), message)
        XCTAssertTrue(message.contains("did you mean server.port?"), message)
        let section = try failure("[sever]\nport = 1\n")
        XCTAssertTrue(section.contains("samplemind.toml:1") && section.contains("unknown key sever") && section.contains("server"), section)
    }

    func testLoad_whenTypeIsWrong_saysWhatWasExpectedAndWhere() throws {
        let message = try failure("[server]\n\nport = \"high\"\n")
        XCTAssertTrue(message.contains("samplemind.toml:3"), message)
        XCTAssertTrue(message.contains("server.port must be a whole number from 0 to 65535"), message)
        XCTAssertTrue(message.contains("\"high\""), "says what it found: \(message)")
        let list = try failure("[input.jack]\nconnect = \"system:capture_1\"\n")
        XCTAssertTrue(list.contains("input.jack.connect must be a list of strings"), list)
    }

    func testLoad_whenValueIsOutOfRange_saysTheRange() throws {
        let message = try failure("[analysis]\nrealtime_priority = 150\n")
        XCTAssertTrue(message.contains("samplemind.toml:2: analysis.realtime_priority must be a whole number from 0 to 99"), message)
        let choice = try failure("[input]\nkind = \"bluetooth\"\n")
        XCTAssertTrue(choice.contains("input.kind must be one of \"auto\", \"jack\", \"alsa\", \"file\""), choice)
    }

    func testLoad_whenSyntaxIsBroken_givesLineAndColumn() throws {
        let message = try failure("[server]\nport = 8080\nhost = \n")
        XCTAssertTrue(message.contains("samplemind.toml:3:"), message)
        XCTAssertTrue(message.contains("TOML syntax"), message)
    }

    /// toml++ 3.4.0, the TOML library used before, aborted the process on these headers (found by fuzzing; a file holding "[" killed
    /// check-config, and a daemon on SIGHUP): each must be a configuration error with its line.
    func testLoad_whenATableHeaderWouldAbortTheTOMLLibrary_refusesItWithItsLine() throws {
        let headers = ["[", "[#]", "[=]", "[.server]", "[,]", "[ ", "[\t# note", "[[", "[[[server]]]", "[[ [x]]", "[é]", "[\r"]
        for header in headers {
            let message = try failure("[server]\nport = 8080\n" + header + "\n")
            XCTAssertTrue(message.contains("samplemind.toml:3:"), "\(header.debugDescription): \(message)")
            XCTAssertTrue(message.contains("table header"), "\(header.debugDescription): \(message)")
        }
    }

    func testLoad_whenTheFileStartsWithAByteOrderMarkAndABadHeader_refusesIt() throws {
        let path = try write(bytes: [0xEF, 0xBB, 0xBF] + Array("[)server]\nport = 9000\n".utf8))
        let message = try failure(at: path)
        XCTAssertTrue(message.contains("samplemind.toml:1:"), message)
        XCTAssertTrue(message.contains("table header"), message)
    }

    func testLoad_whenLinesEndInCRLF_stillFindsTheBadHeaderAndNamesItsLine() throws {
        let message = try failure("[input]\r\nkind = \"file\"\r\n[{x}]\r\n")
        XCTAssertTrue(message.contains("samplemind.toml:3:"), message)
        XCTAssertTrue(message.contains("table header"), message)
        let unknown = try failure("[input]\r\nkind = \"file\"\r\nchannelz = 2\r\n")
        XCTAssertTrue(unknown.contains("samplemind.toml:3"), "an unknown key's line too: \(unknown)")
    }

    func testLoad_whenBracketsAreInsideValues_takesThemAsValues() throws {
        let path = try write("""
            [osc]
            targets = [
              "127.0.0.1:9000", # [
              "127.0.0.1:9001",
            ]
            [server]
            token = "[no-header-here"
            allowed_hosts = ['[', "]"]
            """)
        let loaded = try ConfigurationLoader.load(filePath: path, environment: [:], overrides: [:])
        XCTAssertEqual(loaded.strings("osc.targets"), ["127.0.0.1:9000", "127.0.0.1:9001"])
        XCTAssertEqual(loaded.strings("server.allowed_hosts"), ["[", "]"])
    }

    func testLoad_whenEnvironmentIsBad_namesTheVariable() throws {
        let message = try failure("", environment: ["SAMPLEMIND_SERVER_PORT": "eighty"])
        XCTAssertTrue(message.contains("SAMPLEMIND_SERVER_PORT=\"eighty\""), message)
    }

    func testLoad_whenOptionsContradict_saysWhatIsMissing() throws {
        let message = try failure("[input]\nkind = \"file\"\n")
        XCTAssertTrue(message.contains("input.file.path is not set"), message)
    }

    func testExampleFile_documentsEveryOptionAndLoadsAsIs() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/samplemind.toml").path
        let text = try String(contentsOfFile: example, encoding: .utf8)
        let loaded = try ConfigurationLoader.load(filePath: example, environment: [:], overrides: [:])
        for option in DaemonOptions.all {
            let key = String(option.path.split(separator: ".").last!)
            XCTAssertTrue(text.contains("\(key) =") || text.contains("# \(key) ="), "\(option.path) is documented")
            if let value = option.defaultValue {
                XCTAssertEqual(loaded.values[option.path], value, "the example shows \(option.path)'s default")
            }
        }
    }

    func testLoad_whenFileHasNulByte_refusesWithTheLine() throws {
        let path = try write(bytes: Array("[server]\nport = 8080\n".utf8) + [0] + Array("\ntoken = \"s3cret-token\"\n".utf8))
        let message = try failure(at: path)
        XCTAssertTrue(message.contains("samplemind.toml:3:1: the file contains a NUL byte (0x00)"), message)
        XCTAssertTrue(message.contains("remove it"), "says what to do: \(message)")
        let midLine = try failure(at: try write(bytes: Array("[log]\nlevel = \"info\"".utf8) + [0] + Array("\n".utf8)))
        XCTAssertTrue(midLine.contains("samplemind.toml:2:15: the file contains a NUL byte"), midLine)
    }

    func testLoad_whenFileIsNotUTF8_namesTheLineAndTheFirstBadByte() throws {
        let path = try write(bytes: Array("[server]\nport = 8080\nhost = \"caf".utf8) + [0xE9] + Array("\"\n".utf8))
        let message = try failure(at: path)
        XCTAssertTrue(message.contains("samplemind.toml:3:12: not valid UTF-8 text (byte 0xE9); save the file as UTF-8"), message)
        XCTAssertFalse(message.contains("permission"), "bad content is not a read failure: \(message)")
        let cut = try failure(at: try write(bytes: Array("# caf".utf8) + [0xC3] + Array("\n".utf8)))
        XCTAssertTrue(cut.contains("samplemind.toml:1:6: not valid UTF-8 text (byte 0xC3)"), cut)
        let valid = try write("[input.alsa]\n# café, Größe, 音\ndevice = \"hw:Café,0\"\n")
        XCTAssertEqual(try ConfigurationLoader.load(filePath: valid, environment: [:], overrides: [:]).string("input.alsa.device"),
                       "hw:Café,0")
    }

    func testLoad_whenFileCannotBeRead_saysWhyInsteadOfBlamingItsContent() throws {
        let missing = try failure(at: folder.appendingPathComponent("missing.toml").path)
        XCTAssertTrue(missing.contains("missing.toml: cannot read the configuration file: there is no such file; check the path"),
                      missing)
        let directory = try failure(at: folder.path)
        XCTAssertTrue(directory.contains("cannot read the configuration file: it is a directory; name the file itself"), directory)
    }

    func testLoad_whenFileIsLargerThanAMebibyte_refusesIt() throws {
        let comment = "# " + String(repeating: "x", count: 1_021) + "\n"
        let message = try failure(String(repeating: comment, count: 1_025))
        XCTAssertTrue(message.contains("samplemind.toml: the file is larger than 1 MiB"), message)
    }

    func testLoad_whenPathKeyOrValueHasControlCharacters_printsThemEscapedOnOneLine() throws {
        let oddPath = try write(bytes: Array("[server]\nprot = 1\n".utf8), named: "odd\nname\u{1B}[2J.toml")
        let unknown = try failure(at: oddPath)
        XCTAssertTrue(unknown.contains("odd\\nname\\u{1B}[2J.toml:2: unknown key server.prot"), unknown)
        assertOneLine(unknown)
        let missing = try failure(at: folder.appendingPathComponent("gone\n.toml").path)
        XCTAssertTrue(missing.contains("gone\\n.toml: cannot read"), missing)
        assertOneLine(missing)
        let key = try failure("\"evil\\u001B[31m\\nkey\" = 1\n")
        XCTAssertTrue(key.contains("unknown key evil\\u{1B}[31m\\nkey"), key)
        assertOneLine(key)
        let value = try failure("[server]\nport = \"80\\n80\"\n")
        XCTAssertTrue(value.contains("not \"80\\n80\""), value)
        assertOneLine(value)
        let environment = try failure("", environment: ["SAMPLEMIND_SERVER_PORT": "80\n80"])
        XCTAssertTrue(environment.contains("SAMPLEMIND_SERVER_PORT=\"80\\n80\""), environment)
        assertOneLine(environment)
        let commandLine = try failure(at: try write(""), overrides: ["log.level": .string("info\n\u{1B}[2J")])
        assertOneLine(commandLine)
    }

    func testLoad_whenANumberIsNotFiniteOrOutOfRange_refusesItFromEverySource() throws {
        for text in ["nan", "-nan", "inf", "-inf", "infinity", "1e308", "-1e308", "1e-400x", "0x1p2000", "99999999999999999999999"] {
            let speed = try failure("", environment: ["SAMPLEMIND_INPUT_FILE_SPEED": text])
            XCTAssertTrue(speed.contains("input.file.speed must be a number from 0.0 to 10000.0"), speed)
            let port = try failure("", environment: ["SAMPLEMIND_SERVER_PORT": text])
            XCTAssertTrue(port.contains("server.port must be a whole number from 0 to 65535"), port)
        }
        for text in ["nan", "+inf", "-inf", "1e308", "-1e308", "10000.5"] {
            let message = try failure("[input.file]\nspeed = \(text)\n")
            XCTAssertTrue(message.contains("samplemind.toml:2: input.file.speed must be a number from 0.0 to 10000.0"), message)
        }
        let wholeAsDecimal = try failure("[server]\nport = 8080.0\n")
        XCTAssertTrue(wholeAsDecimal.contains("server.port must be a whole number from 0 to 65535"), wholeAsDecimal)
        let empty = try write("")
        for value in [Double.nan, .infinity, -.infinity, 1e308, -1] {
            let message = try failure(at: empty, overrides: ["server.client_timeout_s": .number(value)])
            XCTAssertTrue(message.contains("command line: server.client_timeout_s must be a number from 1.0 to 3600.0"), message)
        }
        let huge = try failure(at: empty, overrides: ["server.port": .integer(Int.max)])
        XCTAssertTrue(huge.contains("server.port must be a whole number from 0 to 65535"), huge)
    }

    func testLoad_whenTokenFileIsSet_readsTheTokenFromItAndNeverShowsIt() throws {
        let tokenPath = try write(bytes: Array("s3cret-from-file\n\n".utf8), named: "token")
        let path = try write("[server]\ntoken_file = \"\(tokenPath)\"\n")
        let loaded = try ConfigurationLoader.load(filePath: path, environment: [:], overrides: [:])
        XCTAssertEqual(loaded.string("server.token"), "s3cret-from-file", "the trailing newlines are not part of it")
        XCTAssertTrue(loaded.report.contains("server.token_file = \"\(tokenPath)\"    # file"), loaded.report)
        XCTAssertTrue(loaded.report.contains("server.token = (set"), loaded.report)
        XCTAssertTrue(loaded.report.contains("hidden)"), loaded.report)
        XCTAssertFalse(loaded.report.contains("s3cret"), "the token is never shown: \(loaded.report)")
        let direct = try ConfigurationLoader.load(filePath: try write("[server]\ntoken = \"s3cret-direct\"\n"), environment: [:],
                                                  overrides: [:])
        XCTAssertTrue(direct.report.contains("server.token = (set, hidden)    # file"), direct.report)
        XCTAssertFalse(direct.report.contains("s3cret"), direct.report)
    }

    func testLoad_whenTokenFileIsMissingOrUnreadable_namesTheKeyAndThePath() throws {
        let missing = folder.appendingPathComponent("no\ntoken").path
        let message = try failure(at: try write(""), environment: ["SAMPLEMIND_SERVER_TOKEN_FILE": missing])
        XCTAssertTrue(message.contains("server.token_file"), message)
        XCTAssertTrue(message.contains("no\\ntoken"), "the escaped path: \(message)")
        XCTAssertTrue(message.contains("there is no such file"), message)
        assertOneLine(message)
        let directory = try failure(at: try write(""), overrides: ["server.token_file": .string(folder.path)])
        XCTAssertTrue(directory.contains("server.token_file") && directory.contains("it is a directory"), directory)
    }

    func testLoad_whenTokenFileHoldsABadToken_refusesItWithoutPrintingIt() throws {
        let tooShort = "at least 8 characters without spaces", notOneLine = "must hold the token on one line"
        for (content, name, phrase) in [("zqx9\n", "short", tooShort), ("zqx9 kpw7\n", "spaced", tooShort),
                                        ("zqx9kpw7zq\nvvb3mmr8\n", "two lines", notOneLine), ("\n", "empty", notOneLine)] {
            let tokenPath = try write(bytes: Array(content.utf8), named: "token")
            let message = try failure(at: try write(""), overrides: ["server.token_file": .string(tokenPath)])
            XCTAssertTrue(message.contains("server.token_file"), "\(name): \(message)")
            XCTAssertTrue(message.contains(phrase), "\(name): \(message)")
            for word in content.split(whereSeparator: \.isWhitespace) {
                XCTAssertFalse(message.contains(word), "\(name): the token is never printed: \(message)")
            }
        }
        let nul = try write(bytes: Array("s3cret-".utf8) + [0] + Array("token\n".utf8), named: "token")
        let message = try failure(at: try write(""), overrides: ["server.token_file": .string(nul)])
        XCTAssertTrue(message.contains("server.token_file") && message.contains("NUL byte"), message)
        XCTAssertFalse(message.contains("s3cret"), message)
    }

    func testLoad_whenTokenAndTokenFileAreBothSet_asksForOne() throws {
        let tokenPath = try write(bytes: Array("s3cret-from-file\n".utf8), named: "token")
        let path = try write("[server]\ntoken = \"s3cret-direct\"\n")
        let message = try failure(at: path, environment: ["SAMPLEMIND_SERVER_TOKEN_FILE": tokenPath])
        XCTAssertTrue(message.contains("server.token and server.token_file are both set"), message)
        XCTAssertTrue(message.contains("use one"), message)
        XCTAssertFalse(message.contains("s3cret"), message)
    }
}
