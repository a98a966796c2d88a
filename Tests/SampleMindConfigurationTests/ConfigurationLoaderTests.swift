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

    private func failure(_ text: String, environment: [String: String] = [:]) throws -> String {
        let path = try write(text)
        do {
            _ = try ConfigurationLoader.load(filePath: path, environment: environment, overrides: [:])
            XCTFail("\(text) should be refused")
            return ""
        } catch {
            return error.description
        }
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
}
