import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

final class JACKInputTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var server: JACKServer?
    private var children: [ChildProcess] = []

    override func setUpWithError() throws {
        try XCTSkipUnless(JACKServer.isInstalled, "jackd is not installed (scripts/install-dependencies installs it)")
        scratch = try ScratchDirectory("samplemind-jack")
    }

    override func tearDown() {
        for child in children { child.stop(signal: SIGKILL) }
        server?.stop()
        scratch?.remove()
    }

    private func track(_ child: ChildProcess) -> ChildProcess {
        children.append(child)
        return child
    }

    func testServe_whenAFilePlaysIntoItsJACKPort_reportsTheTempoAndKeyThatAnalyzeReports() throws {
        let song = try TestSong(seconds: 14, in: scratch)
        let jack = try JACKServer(in: scratch)
        server = jack
        let daemon = track(try startDaemon(["--input", "jack", "--channels", "1"], environment: jack.environment, in: scratch))
        XCTAssertTrue(daemon.waitFor("connected to JACK", timeout: 10), daemon.errors)
        let player = track(try jack.play(song.path, into: "samplemind:in_1"))
        XCTAssertTrue(player.waitForExit(timeout: 30), "the player finished")
        let shutdown = daemon.stop(signal: SIGINT)
        XCTAssertNotNil(shutdown, "the daemon stopped")
        XCTAssertLessThan(shutdown ?? 99, 2, "stopped within 2 s")
        XCTAssertEqual(daemon.process.terminationStatus, 0)

        let stream = PrintedStream(daemon.output)
        let frame = try XCTUnwrap(stream.lastTunedFrame, daemon.output.suffix(500).description)
        let expectedTempo = try XCTUnwrap(song.expected.tempoBPM)
        XCTAssertEqual(frame["tempo_bpm"] as? Double ?? 0, expectedTempo, accuracy: expectedTempo * 0.02)
        XCTAssertEqual(frame["key"] as? String, song.expected.key)
        XCTAssertEqual(song.expected.key, TestSong.key)
        XCTAssertGreaterThan(stream.of("beat").count, 15)
        XCTAssertEqual(stream.of("session").count, 1)
    }

    func testServe_withTheNetworkDetector_reportsTheSongsTempoAndBeatsAndNamesTheWeights() throws {
        let song = try TestSong(seconds: 14, in: scratch)
        let jack = try JACKServer(in: scratch)
        server = jack
        let daemon = track(try startDaemon(["--input", "jack", "--channels", "1", "--detector", "network"],
                                           environment: jack.environment, in: scratch))
        XCTAssertTrue(daemon.waitFor("connected to JACK", timeout: 10), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("network detector: "), "the weights are named in the log: \(daemon.errors)")
        XCTAssertTrue(daemon.errors.contains("detector.smnn"), daemon.errors)
        let player = track(try jack.play(song.path, into: "samplemind:in_1"))
        XCTAssertTrue(player.waitForExit(timeout: 30), "the player finished")
        XCTAssertNotNil(daemon.stop(signal: SIGINT))
        XCTAssertEqual(daemon.process.terminationStatus, 0)
        XCTAssertFalse(daemon.errors.contains("cannot run on this input"), daemon.errors)

        let stream = PrintedStream(daemon.output)
        let frame = try XCTUnwrap(stream.of("frame").last { ($0["tempo_bpm"] as? Double ?? 0) > 0 }, "a tempo was found")
        XCTAssertEqual(frame["tempo_bpm"] as? Double ?? 0, TestSong.bpm, accuracy: TestSong.bpm * 0.04)
        XCTAssertGreaterThan(stream.of("beat").count, 12)
        XCTAssertGreaterThan(stream.of("onset").count, 20)
    }

    func testServe_withTheNetworkDetectorAtARateItCannotServe_saysSoAndUsesTheDSPDetectors() throws {
        let song = try TestSong(seconds: 10, sampleRate: 32_000, in: scratch)
        let jack = try JACKServer(sampleRate: 32_000, in: scratch)
        server = jack
        let daemon = track(try startDaemon(["--input", "jack", "--channels", "1", "--detector", "network"],
                                           environment: jack.environment, in: scratch))
        XCTAssertTrue(daemon.waitFor("connected to JACK", timeout: 10), daemon.errors)
        let player = track(try jack.play(song.path, into: "samplemind:in_1"))
        XCTAssertTrue(daemon.waitFor("the network detector cannot run on this input (the network needs a sample rate of at least 33685 Hz",
                                     timeout: 15), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("Run the input at 44100 or 48000 Hz to use the network"), daemon.errors)
        XCTAssertTrue(player.waitForExit(timeout: 30), "the player finished")
        XCTAssertNotNil(daemon.stop(signal: SIGINT))
        XCTAssertGreaterThan(PrintedStream(daemon.output).of("beat").count, 8, "the DSP detectors found the beat")
    }

    func testServe_whenJACKServerIsKilledAndRestarted_staysUpReconnectsAndAnalysesAgain() throws {
        let song = try TestSong(seconds: 8, in: scratch)
        let jack = try JACKServer(in: scratch)
        server = jack
        let daemon = track(try startDaemon(["--input", "jack", "--channels", "1"], environment: jack.environment, in: scratch))
        XCTAssertTrue(daemon.waitFor("connected to JACK", timeout: 10), daemon.errors)
        let first = track(try jack.play(song.path, into: "samplemind:in_1", label: "first"))
        Thread.sleep(forTimeInterval: 3)
        jack.kill()
        _ = first.waitForExit(timeout: 5)
        XCTAssertTrue(daemon.waitFor("JACK server went away", timeout: 10), daemon.errors)
        XCTAssertTrue(daemon.isRunning, "the daemon survives its server")
        Thread.sleep(forTimeInterval: 1)
        try jack.start()
        let reconnectDeadline = Date().addingTimeInterval(15)
        while daemon.errors.components(separatedBy: "connected to JACK").count < 3, Date() < reconnectDeadline {
            usleep(100_000)
        }
        XCTAssertEqual(daemon.errors.components(separatedBy: "connected to JACK").count, 3, "connected twice: \(daemon.errors)")
        let second = track(try jack.play(song.path, into: "samplemind:in_1", label: "second"))
        XCTAssertTrue(second.waitForExit(timeout: 20))
        XCTAssertNotNil(daemon.stop(signal: SIGTERM))
        XCTAssertEqual(daemon.process.terminationStatus, 0)

        let stream = PrintedStream(daemon.output)
        let discontinuity = try XCTUnwrap(stream.of("discontinuity").first, "a discontinuity was reported")
        let resumedAt = discontinuity["t"] as? Double ?? 0
        XCTAssertGreaterThan(discontinuity["gap_s"] as? Double ?? 0, 0.5, "the gap covers the time the server was gone")
        // Frames carry the stream time of their hop; events the (earlier) time of the music they mark.
        let frameTimes = stream.of("frame").compactMap { $0["t"] as? Double }
        XCTAssertEqual(frameTimes, frameTimes.sorted(), "stream time never goes back")
        let onsetTimes = stream.of("onset").compactMap { $0["t"] as? Double }
        XCTAssertEqual(onsetTimes, onsetTimes.sorted())
        let after = stream.of("frame").filter { ($0["t"] as? Double ?? 0) > resumedAt + 2 }
        XCTAssertTrue(after.contains { ($0["rms_dbfs"] as? Double ?? -200) > -60 }, "audio is analysed again after reconnecting")
        XCTAssertGreaterThan(stream.of("onset").filter { ($0["t"] as? Double ?? 0) > resumedAt }.count, 5)
    }

    func testServe_whenNoJACKServerAtStart_waitsAndConnectsWhenOneStarts() throws {
        let name = "smtest-absent-\(getpid())"
        let daemon = track(try startDaemon(["--input", "jack"], environment: ["JACK_DEFAULT_SERVER": name], in: scratch))
        XCTAssertTrue(daemon.waitFor("waiting for one", timeout: 10), daemon.errors)
        Thread.sleep(forTimeInterval: 1)
        XCTAssertTrue(daemon.isRunning)
        let jack = try ChildProcess("/usr/bin/jackd", ["-n", name, "-d", "dummy", "-r", "48000", "-p", "256"],
                                    label: "late-jackd", in: scratch)
        children.append(jack)
        XCTAssertTrue(daemon.waitFor("connected to JACK", timeout: 15), daemon.errors)
        XCTAssertNotNil(daemon.stop(signal: SIGINT))
        XCTAssertEqual(daemon.process.terminationStatus, 0)
        jack.stop()
    }

    func testServe_whenNoJACKServerRuns_logsOnlyItsOwnLinesAndLibjacksAtDebugLevel() throws {
        for input in ["auto", "jack"] {
            for format in ["text", "json"] {
                // A server name of its own, so no real server is found; standard input is not a terminal.
                let daemon = track(try ChildProcess(
                    SampleMindBinary.url.path,
                    ["serve", "--input", input, "--no-storage", "--port", "0", "--realtime-priority", "0",
                     "--log-format", format, "--log-level", "debug"],
                    environment: ["JACK_DEFAULT_SERVER": "smtest-none-\(getpid())-\(input)-\(format)"],
                    label: "daemon-\(input)-\(format)", in: scratch))
                XCTAssertTrue(daemon.waitFor("listening on http://", timeout: 10), daemon.errors)
                // Back-off retries at 0.5, 1 and 2 s each make libjack complain again.
                Thread.sleep(forTimeInterval: 2.5)
                XCTAssertNotNil(daemon.stop(signal: SIGTERM))
                XCTAssertEqual(daemon.process.terminationStatus, 0)
                let lines = daemon.errors.split(separator: "\n")
                XCTAssertTrue(lines.contains { $0.contains("libjack: Cannot connect to server") },
                              "libjack's messages reach the log at debug level (\(input), \(format)): \(daemon.errors)")
                for line in lines {
                    if format == "json" {
                        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                        XCTAssertNotNil(object?["message"] as? String, "a JSON log line (\(input)): \(line)")
                    } else {
                        XCTAssertTrue(line.hasPrefix("samplemind: "), "a line of our own (\(input)): \(line)")
                    }
                }
            }
        }
    }

    func testServe_whenConnectPatternMatchesNothing_saysWhatToFixAndExits() throws {
        let jack = try JACKServer(in: scratch)
        server = jack
        let daemon = track(try startDaemon(["--input", "jack", "--jack-connect", "nosuchclient:out_.*"],
                                           environment: jack.environment, in: scratch))
        XCTAssertTrue(daemon.waitForExit(timeout: 10))
        XCTAssertNotEqual(daemon.process.terminationStatus, 0)
        XCTAssertTrue(daemon.errors.contains("no JACK output port matches 'nosuchclient:out_.*'"), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("jack_lsp"), "says how to find the right name")
    }
}
