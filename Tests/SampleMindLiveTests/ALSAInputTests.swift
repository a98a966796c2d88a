import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

/// ALSA capture with no sound card: a `type jack` PCM (ALSA's JACK plugin) defined in the test's
/// own asoundrc delivers real-time audio from a JACK port, so the daemon's ALSA code path
/// (open, negotiate, readi, recover) runs against a real ALSA PCM.
final class ALSAInputTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var server: JACKServer?
    private var children: [ChildProcess] = []

    override func setUpWithError() throws {
        try XCTSkipUnless(JACKServer.isInstalled, "jackd is not installed (scripts/install-dependencies installs it)")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_jack.so"),
                          "ALSA's JACK plugin (libasound2-plugins) is not installed")
        scratch = try ScratchDirectory("samplemind-alsa")
    }

    override func tearDown() {
        for child in children { child.stop(signal: SIGKILL) }
        server?.stop()
        scratch?.remove()
    }

    /// An asoundrc defining PCM `samplemind_test` that captures from `port`; returns the XDG_CONFIG_HOME to use.
    private func alsaConfiguration(capturingFrom port: String) throws -> String {
        let home = scratch.file("xdg")
        try FileManager.default.createDirectory(atPath: "\(home)/alsa", withIntermediateDirectories: true)
        try """
        pcm.samplemind_test {
            type jack
            capture_ports { 0 \(port) }
        }
        """.write(toFile: "\(home)/alsa/asoundrc", atomically: true, encoding: .utf8)
        return home
    }

    func testServe_throughAnALSAPCM_reportsTheTempoAndKeyThatAnalyzeReports() throws {
        let song = try TestSong(seconds: 14, in: scratch)
        let jack = try JACKServer(in: scratch)
        server = jack
        let environment = jack.environment.merging(["XDG_CONFIG_HOME": try alsaConfiguration(capturingFrom: "jackplay:out_1")]) { $1 }
        // The player waits until something connects to it: the ALSA PCM does, when the daemon opens it.
        let player = try ChildProcess("/usr/bin/sndfile-jackplay", ["--wait", song.path], environment: environment,
                                      label: "player", in: scratch)
        children.append(player)
        Thread.sleep(forTimeInterval: 1)
        let daemon = try startDaemon(["--input", "alsa", "--device", "samplemind_test", "--channels", "1"],
                                     environment: environment, in: scratch)
        children.append(daemon)
        XCTAssertTrue(daemon.waitFor("capturing from ALSA", timeout: 10), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("FLOAT, 48000 Hz, 1 channel(s)"), "says what it negotiated: \(daemon.errors)")
        XCTAssertTrue(player.waitForExit(timeout: 30), "the player finished")
        XCTAssertNotNil(daemon.stop(signal: SIGTERM))
        XCTAssertEqual(daemon.process.terminationStatus, 0)

        let stream = PrintedStream(daemon.output)
        let frame = try XCTUnwrap(stream.lastTunedFrame, daemon.errors)
        let expectedTempo = try XCTUnwrap(song.expected.tempoBPM)
        XCTAssertEqual(frame["tempo_bpm"] as? Double ?? 0, expectedTempo, accuracy: expectedTempo * 0.02)
        XCTAssertEqual(frame["key"] as? String, song.expected.key)
    }

    func testServe_whenTheALSADeviceDoesNotExist_saysWhatToChangeAndExits() throws {
        let daemon = try startDaemon(["--input", "alsa", "--device", "no_such_pcm"], in: scratch)
        children.append(daemon)
        XCTAssertTrue(daemon.waitForExit(timeout: 10))
        XCTAssertNotEqual(daemon.process.terminationStatus, 0)
        XCTAssertTrue(daemon.errors.contains("'no_such_pcm' cannot be opened"), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("arecord -L"), "says how to list devices")
    }

    func testServe_whenTheALSACardIsNotPluggedIn_waitsForIt() throws {
        let daemon = try startDaemon(["--input", "alsa", "--device", "hw:7,0"], in: scratch)
        children.append(daemon)
        XCTAssertTrue(daemon.waitFor("waiting for it", timeout: 10), daemon.errors)
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertTrue(daemon.isRunning, "a missing card is waited for, not fatal")
        XCTAssertNotNil(daemon.stop(signal: SIGTERM))
        XCTAssertEqual(daemon.process.terminationStatus, 0)
    }
}
