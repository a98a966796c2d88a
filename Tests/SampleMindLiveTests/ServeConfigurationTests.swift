import Foundation
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
        let cases: [([String], String)] = [
            (["--input", "bluetooth"], "bluetooth"),
            (["--input", "file"], "--input file needs --file"),
            (["--input", "file", "--file", scratch.file("missing.wav")], "no such file"),
            (["--input", "file", "--file", slow], "4000 Hz, which SampleMind cannot analyse"),
            (["--input", "alsa", "--rate", "4000"], "outside 8000–192000"),
            (["--input", "jack", "--channels", "0"], "1–32 channels"),
            (["--input", "file", "--file", slow, "--speed=-1"], "--speed must be between"),
            (["--realtime-priority", "120"], "--realtime-priority must be 0–99"),
        ]
        for (arguments, phrase) in cases {
            let outcome = try SampleMindBinary.run(["serve"] + arguments)
            XCTAssertNotEqual(outcome.status, 0, "\(arguments) must fail")
            XCTAssertTrue(outcome.standardError.contains(phrase), "'\(outcome.standardError)' should mention '\(phrase)'")
        }
    }

    func testServe_onSIGTERM_stopsWithinTwoSecondsAndExitsZero() throws {
        let song = try TestSong(seconds: 6, in: scratch)
        let daemon = try ChildProcess(SampleMindBinary.url.path,
                                      ["serve", "--input", "file", "--file", song.path, "--loop", "--print", "--realtime-priority", "0"],
                                      label: "daemon", in: scratch)
        XCTAssertTrue(daemon.waitFor("\"type\":\"frame\"", inOutput: true, timeout: 10))
        let seconds = daemon.stop(signal: SIGTERM)
        XCTAssertNotNil(seconds)
        XCTAssertLessThan(seconds ?? 99, 2)
        XCTAssertEqual(daemon.process.terminationStatus, 0)
    }
}
