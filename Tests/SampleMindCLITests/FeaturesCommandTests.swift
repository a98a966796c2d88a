import Foundation
import SampleMindAudioFile
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

final class FeaturesCommandTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-features") }
    override func tearDown() { scratch.remove() }

    private func writeSong(_ name: String, sampleRate: Double = 44_100, seconds: Double = 4) throws -> String {
        let song = Percussion.drumPattern(bpm: 120, seconds: seconds, sampleRate: sampleRate)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: seconds, sampleRate: sampleRate))
        let path = scratch.file(name)
        try AudioFileWriter.write(song.stereo(), sampleRate: Int(sampleRate), channelCount: 2, to: path, encoding: .flac16)
        return path
    }

    /// numpy (Debian's python3-numpy, installed for the tests) reads the array as it is.
    private func numpySummary(_ path: String) throws -> [String: Any] {
        let script = """
            import json, sys, numpy as np
            a = np.load(sys.argv[1])
            print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "level_max": float(a[:, :109].max()),
                              "rise_min": float(a[:, 109:].min())}))
            """
        let python = try ChildProcess("/usr/bin/python3", ["-B", "-c", script, path], label: "numpy-load", in: scratch)
        guard python.waitForExit(timeout: 60) else {
            python.stop()
            XCTFail("numpy did not load the array within 60 s")
            return [:]
        }
        XCTAssertEqual(python.process.terminationStatus, 0, python.errors)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(python.output.utf8)) as? [String: Any])
    }

    func testFeatures_writeANumpyArrayAndItsDescriptionPerFile() throws {
        let song = try writeSong("song.flac")
        let out = scratch.file("features")
        let outcome = try SampleMindBinary.run(["features", "--output", out, song])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)

        let description = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/song.json"))) as? [String: Any])
        XCTAssertEqual(description["feature_version"] as? Int, 1)
        XCTAssertEqual(description["sample_rate"] as? Double, 44_100)
        XCTAssertEqual(description["hop_size"] as? Int, 441)
        XCTAssertEqual(description["frame_rate"] as? Double, 100)
        XCTAssertEqual(description["values_per_frame"] as? Int, 218)
        XCTAssertEqual((description["band_centres_hz"] as? [Double])?.count, 109)
        XCTAssertEqual(description["first_frame_centre_s"] as? Double ?? 0, (441 - 1024) / 44_100, accuracy: 1e-9)
        let frames = try XCTUnwrap(description["frames"] as? Int)
        XCTAssertEqual(Double(frames), 400 + 7, accuracy: 2, "one row per hop of 4 s, and the flushing hops")

        let array = try numpySummary("\(out)/song.npy")
        XCTAssertEqual(array["shape"] as? [Int], [frames, 218])
        XCTAssertEqual(array["dtype"] as? String, "float32")
        XCTAssertGreaterThan(array["level_max"] as? Double ?? 0, 3, "music is well above the floor")
        XCTAssertEqual(array["rise_min"] as? Double, 0, "rises are never negative")
    }

    func testFeatures_atAnotherRate_describeTheSameBandsAndDifferentHops() throws {
        let song = try writeSong("song48.flac", sampleRate: 48_000)
        let out = scratch.file("features")
        let outcome = try SampleMindBinary.run(["features", "-o", out, song])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let description = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/song48.json"))) as? [String: Any])
        XCTAssertEqual(description["hop_size"] as? Int, 480)
        XCTAssertEqual(description["frame_rate"] as? Double, 100)
        XCTAssertEqual(description["values_per_frame"] as? Int, 218)
    }

    func testFeatures_whenARateIsTooLowOrAFileIsMissing_sayWhyAndStillWriteTheGoodOne() throws {
        let good = try writeSong("good.flac")
        let low = try writeSong("low.flac", sampleRate: 22_050, seconds: 1)
        let out = scratch.file("features")
        let outcome = try SampleMindBinary.run(["features", "-o", out, low, scratch.file("absent.wav"), good])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.standardError.contains("low.flac: "), outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("at least 33685 Hz"), outcome.standardError)
        XCTAssertTrue(outcome.standardError.contains("absent.wav"), outcome.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/good.npy"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/low.npy"))
    }

    func testFeatures_whenTheOutputIsAFile_refuseIt() throws {
        let song = try writeSong("song.flac", seconds: 1)
        let file = scratch.file("taken")
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        let outcome = try SampleMindBinary.run(["features", "-o", file, song])
        XCTAssertNotEqual(outcome.status, 0)
        XCTAssertTrue(outcome.standardError.contains("--output must be a directory"), outcome.standardError)
    }
}
