import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindTestSupport
import XCTest

final class ServeConfigurationTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-serve") }
    override func tearDown() { scratch.remove() }

    func testServe_whenConfigurationIsBad_explainsWhatToChangeAndExitsNonZero() throws {
        let slow = scratch.file("4khz.wav")
        try AudioFileWriter.write([Float](repeating: 0.1, count: 8_000), sampleRate: 4_000, channelCount: 1, to: slow)
        let playable = scratch.file("48khz.wav")
        try AudioFileWriter.write([Float](repeating: 0.1, count: 48_000), sampleRate: 48_000, channelCount: 1, to: playable)
        let tokenFile = scratch.file("token")
        try "s3cret-token-1\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        // A weight file cut short, as an interrupted copy leaves it.
        let truncatedModel = scratch.file("cut.smnn")
        try Data([0x89, 0x53, 0x4D, 0x4E, 0x4E, 0x0D, 0x0A, 0x1A, 1, 0, 0, 0, 0xFF, 0xFF, 0, 0])
            .write(to: URL(fileURLWithPath: truncatedModel))
        // Sound weights made for something else: 4 inputs per hop instead of the detector's 218.
        let otherModel = scratch.file("other.smnn")
        try DenseModelFile.write(inputs: 4, outputs: 3, to: otherModel)
        // Weights that fit, copied without the settings file written with them.
        let bareModel = scratch.file("bare.smnn")
        try DenseModelFile.write(inputs: 218, outputs: 3, to: bareModel)
        let cases: [([String], String, Int32)] = [
            (["--input", "bluetooth"], "bluetooth", 64),
            (["--input", "file"], "input.file.path is not set", 78),
            (["--input", "file", "--file", scratch.file("missing.wav")], "no such file", 78),
            (["--input", "file", "--file", slow], "4000 Hz, which SampleMind cannot analyse", 78),
            (["--input", "alsa", "--rate", "4000"], "input.alsa.sample_rate must be a whole number from 8000 to 192000", 78),
            (["--input", "jack", "--channels", "0"], "input.channels must be a whole number from 1 to 32", 78),
            (["--input", "file", "--file", slow, "--speed=-1"], "input.file.speed must be a number from 0", 78),
            (["--realtime-priority", "120"], "analysis.realtime_priority must be a whole number from 0 to 99", 78),
            (["--port", "70000"], "server.port must be a whole number from 0 to 65535", 78),
            (["--input", "file", "--file", playable, "--speed", "1e-300", "--no-server", "--no-storage"], "or from 0.01 to 10000 times real time", 78),
            (["--token", "short"], "server.token must be at least 8 characters", 78),
            (["--token-file", scratch.file("missing")], "server.token_file \"\(scratch.file("missing"))\": cannot read the token file: there is no such file", 78),
            (["--token", "long-enough-token", "--token-file", tokenFile], "server.token and server.token_file are both set", 78),
            (["--log-level", "chatty"], "log.level must be one of", 78),
            (["--detector", "magic"], "analysis.detector must be one of \"network\", \"dsp\"", 78),
            (["--detector", "network", "--model", truncatedModel, "--no-server", "--no-storage"],
             "model file \(truncatedModel): is truncated", 78),
            (["--detector", "network", "--model", scratch.file("absent.smnn"), "--no-server", "--no-storage"],
             "model file \(scratch.file("absent.smnn")): no such file", 78),
            (["--detector", "network", "--model", otherModel, "--no-server", "--no-storage"],
             "\(otherModel) takes 4 values per hop but this version of samplemind computes 218", 78),
            (["--detector", "network", "--model", bareModel, "--no-server", "--no-storage"],
             "no settings file \(scratch.file("bare.json")) beside \(bareModel)", 78),
            (["--key-model", otherModel, "--no-server", "--no-storage"],
             "\(otherModel) takes 4 values and gives 3; a key classifier takes 24", 78),
            (["--key", "guess"], "analysis.key must be one of \"classifier\", \"profile\"", 78),
        ]
        for (arguments, phrase, status) in cases {
            let outcome = try SampleMindBinary.run(["serve"] + arguments)
            XCTAssertEqual(outcome.status, status, "\(arguments) must fail with \(status)")
            XCTAssertTrue(outcome.standardError.contains(phrase), "'\(outcome.standardError)' should mention '\(phrase)'")
            XCTAssertFalse(outcome.standardError.contains("s3cret"), "the token is never printed: \(outcome.standardError)")
        }
    }

    func testServe_whenThePortIsTaken_exits69NamingThePortWithinTwoSecondsAndLeavesNoJournal() throws {
        let song = try TestSong(seconds: 6, in: scratch)
        // Hold a port: a listening socket of our own on 127.0.0.1.
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(holder, pointer, length) == 0 && listen(holder, 4) == 0 && getsockname(holder, pointer, &length) == 0
            }
        }
        XCTAssertTrue(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let database = scratch.file("taken.db")
        let started = Date()
        let outcome = try SampleMindBinary.run(["serve", "--input", "file", "--file", song.path, "--loop", "--realtime-priority", "0",
                                                "--port", "\(port)", "--db", database, "--osc-listen-port", "0"], timeout: 20)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(outcome.status, 69, outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("\(port)"), "the message names the port: \(outcome.standardError)")
        XCTAssertLessThan(seconds, 2, "within 2 s")
        XCTAssertFalse(FileManager.default.fileExists(atPath: database + "-wal"), "the database was closed: no -wal file left")
    }

    func testServe_onSIGTERM_stopsWithinTwoSecondsAndExitsZero() throws {
        let song = try TestSong(seconds: 6, in: scratch)
        let daemon = try ChildProcess(SampleMindBinary.url.path,
                                      ["serve", "--input", "file", "--file", song.path, "--loop", "--print", "--realtime-priority", "0", "--port", "0"],
                                      label: "daemon", in: scratch)
        XCTAssertTrue(daemon.waitFor("\"type\":\"frame\"", inOutput: true, timeout: 10))
        let seconds = daemon.stop(signal: SIGTERM)
        XCTAssertNotNil(seconds)
        XCTAssertLessThan(seconds ?? 99, 2)
        XCTAssertEqual(daemon.process.terminationStatus, 0)
    }

    func testServe_withAConfigurationFile_usesItAndRefusesABadOneWithStatus78() throws {
        let song = try TestSong(seconds: 6, in: scratch)
        let good = scratch.file("good.toml")
        try """
        [input]
        kind = "file"
        [input.file]
        path = "\(song.path)"
        loop = true
        [analysis]
        realtime_priority = 0
        [server]
        port = 0
        [log]
        format = "json"
        """.write(toFile: good, atomically: true, encoding: .utf8)
        let daemon = try ChildProcess(SampleMindBinary.url.path, ["serve", "--config", good], label: "daemon", in: scratch)
        defer { daemon.stop(signal: SIGKILL) }
        XCTAssertTrue(daemon.waitFor("listening on http://", timeout: 10), daemon.errors)
        let lines = daemon.errors.split(separator: "\n")
        XCTAssertFalse(lines.isEmpty)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertNotNil(object?["level"] as? String, "a JSON log line: \(line)")
            XCTAssertNotNil(object?["message"] as? String)
        }
        XCTAssertNotNil(daemon.stop(signal: SIGTERM))

        let bad = scratch.file("bad.toml")
        try "[server]\nport = 8080\nmax_client = 5\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let outcome = try SampleMindBinary.run(["serve", "--config", bad])
        XCTAssertEqual(outcome.status, 78)
        XCTAssertTrue(outcome.standardError.contains("bad.toml:3: unknown key server.max_client; did you mean server.max_clients?"),
                      outcome.standardError)
        let check = try SampleMindBinary.run(["check-config", bad])
        XCTAssertEqual(check.status, 78)
        let listed = try SampleMindBinary.run(["check-config", good])
        XCTAssertEqual(listed.status, 0)
        XCTAssertTrue(listed.standardOutput.contains("input.kind = \"file\"    # file"), listed.standardOutput)
        XCTAssertTrue(listed.standardOutput.contains("server.max_clients = 1000    # default"))
    }

    func testCheckConfig_whenThePathHasControlCharacters_printsItEscapedOnOneLine() throws {
        let config = scratch.file("odd\nname\u{1B}[2J.toml")
        try "[log]\nlevel = \"debug\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let listed = try SampleMindBinary.run(["check-config", config])
        XCTAssertEqual(listed.status, 0, listed.standardError)
        XCTAssertTrue(listed.standardOutput.hasPrefix("# effective configuration (file: \(scratch.path)/odd\\nname\\u{1B}[2J.toml)\n"),
                      listed.standardOutput)
        try "[log]\nlevle = \"debug\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let refused = try SampleMindBinary.run(["check-config", config])
        XCTAssertEqual(refused.status, 78)
        XCTAssertEqual(refused.errorLines.count, 1, refused.standardError)
        XCTAssertTrue(refused.standardError.contains("odd\\nname\\u{1B}[2J.toml:2: unknown key log.levle"), refused.standardError)
    }

    func testCheckConfig_withATokenFile_showsItsPathButNeverTheToken() throws {
        let tokenFile = scratch.file("token")
        try "s3cret-token-1\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let config = scratch.file("samplemind.toml")
        try "[server]\ntoken_file = \"\(tokenFile)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let listed = try SampleMindBinary.run(["check-config", config])
        XCTAssertEqual(listed.status, 0, listed.standardError)
        XCTAssertTrue(listed.standardOutput.contains("server.token_file = \"\(tokenFile)\"    # file"), listed.standardOutput)
        XCTAssertTrue(listed.standardOutput.contains("server.token = (set from server.token_file, hidden)    # file"), listed.standardOutput)
        XCTAssertFalse(listed.standardOutput.contains("s3cret") || listed.standardError.contains("s3cret"), listed.standardOutput)
    }
}
