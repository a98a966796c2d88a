import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

final class AnalyzeCommandTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-cli") }
    override func tearDown() { scratch.remove() }

    /// Ten seconds of drums at 120 BPM over an A minor progression, as a stereo file.
    private func writeSong(_ name: String, encoding: AudioFileWriter.Encoding = .wav16) throws -> String {
        let song = Percussion.drumPattern(bpm: 120, seconds: 12, sampleRate: 44_100)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: 12, sampleRate: 44_100))
        let path = scratch.file(name)
        try AudioFileWriter.write(song.stereo(), sampleRate: 44_100, channelCount: 2, to: path, encoding: encoding)
        return path
    }

    private func json(_ text: Substring) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testAnalyze_whenGoodFile_printsTheResultWithTheCorpusFieldNames() throws {
        let path = try writeSong("song.flac", encoding: .flac16)
        let outcome = try SampleMindBinary.run(["analyze", path])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let result = try json(outcome.standardOutput.split(separator: "\n").last!)
        XCTAssertEqual(result["duration_s"] as? Double ?? 0, 12, accuracy: 0.01)
        XCTAssertEqual(result["sample_rate"] as? Double, 44_100)
        XCTAssertEqual(result["tempo_bpm"] as? Double ?? 0, 120, accuracy: 2.4)
        XCTAssertEqual(result["key"] as? String, "A minor")
        let runnerUp = try XCTUnwrap(result["key_runner_up"] as? String, "the next most likely key")
        XCTAssertNotEqual(runnerUp, "A minor")
        XCTAssertGreaterThan(result["key_margin"] as? Double ?? 0, 0, "A minor fits better than \(runnerUp)")
        let beats = try XCTUnwrap(result["beats"] as? [Double])
        XCTAssertGreaterThan(beats.count, 12)
        // Downbeats: the beats counted first in their bar, one in four of them (4/4 by default).
        let downbeats = try XCTUnwrap(result["downbeats"] as? [Double])
        XCTAssertTrue(Set(downbeats).isSubset(of: Set(beats)), "every downbeat is one of the beats")
        XCTAssertEqual(Double(downbeats.count), Double(beats.count) / 4, accuracy: 1.5)
        XCTAssertGreaterThan((result["onsets"] as? [Double])?.count ?? 0, 30)
        XCTAssertNotNil(result["loudness_integrated_lufs"] as? Double)
        let features = try XCTUnwrap(result["features"] as? [String: Any])
        XCTAssertEqual((features["chroma_mean"] as? [Double])?.count, 12)
        XCTAssertEqual((features["mfcc_mean"] as? [Double])?.count, 13)
    }

    func testAnalyze_whenOutputDirectory_writesOneResultPerFileAndFrames() throws {
        let first = try writeSong("first.wav"), second = try writeSong("second.flac", encoding: .flac24)
        let out = scratch.file("results")
        let outcome = try SampleMindBinary.run(["analyze", "--output", out, "--frames", first, second])
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        XCTAssertEqual(outcome.standardOutput, "")
        for name in ["first", "second"] {
            let result = try json(Substring(try String(contentsOfFile: "\(out)/\(name).json", encoding: .utf8)))
            XCTAssertEqual(result["key"] as? String, "A minor")
            let frames = try String(contentsOfFile: "\(out)/\(name).frames.jsonl", encoding: .utf8).split(separator: "\n")
            XCTAssertGreaterThan(frames.count, 1_150, "100 frames a second")
            let frame = try json(frames[600])
            XCTAssertEqual(frame["type"] as? String, "frame")
            XCTAssertEqual((frame["spectrum_db"] as? [Double])?.count, 96)
        }
    }

    func testAnalyze_whenTwoInputsShareAName_refusesTheSecondAndNamesBoth() throws {
        let one = try writeSong("take.wav")
        try FileManager.default.createDirectory(atPath: scratch.file("other"), withIntermediateDirectories: true)
        let two = scratch.file("other/take.flac")
        try FileManager.default.copyItem(atPath: try writeSong("x.flac", encoding: .flac16), toPath: two)
        let outcome = try SampleMindBinary.run(["analyze", "--output", scratch.file("out"), one, two])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.errorLines.count, 1)
        XCTAssertTrue(outcome.standardError.contains(one) && outcome.standardError.contains(two), outcome.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch.file("out/take.json")))
    }

    func testAnalyze_whenInputsAreBad_reportsEachOnOneLineAndStillAnalysesTheGoodOne() throws {
        let good = try writeSong("good.wav")
        let goodBytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let truncated = scratch.file("truncated.wav")
        try goodBytes.prefix(goodBytes.count / 3).write(to: URL(fileURLWithPath: truncated))
        let corrupt = scratch.file("corrupt.wav")
        var garbage = Data("RIFF\u{10}\0\0\0WAVEfmt ".utf8)
        garbage.append(contentsOf: (0..<512).map { UInt8(($0 * 37) % 256) })
        try garbage.write(to: URL(fileURLWithPath: corrupt))
        let empty = scratch.file("empty.wav")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let text = scratch.file("notes.wav")
        try "These are my session notes, not audio.\n".write(toFile: text, atomically: true, encoding: .utf8)
        let unsupported = scratch.file("unknown-codec.wav")
        try Self.waveHeader(formatTag: 0x1234).write(to: URL(fileURLWithPath: unsupported))
        let missing = scratch.file("missing.wav")
        let directory = scratch.path

        let bad = [missing, directory, truncated, corrupt, empty, text, unsupported]
        let outcome = try SampleMindBinary.run(["analyze"] + bad + [good])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.errorLines.count, bad.count, outcome.standardError)
        for (path, line) in zip(bad, outcome.errorLines) {
            XCTAssertTrue(line.hasPrefix("samplemind: \(path): "), "'\(line)' names \(path)")
            XCTAssertGreaterThan(line.count, "samplemind: \(path): ".count + 10, "and says why")
        }
        XCTAssertTrue(outcome.errorLines[0].contains("no such file"))
        XCTAssertTrue(outcome.errorLines[1].contains("directory"))
        XCTAssertTrue(outcome.errorLines[2].contains("truncated"))
        let result = try json(outcome.standardOutput.split(separator: "\n").last!)
        XCTAssertEqual(result["file"] as? String, good, "the good file was still analysed")
    }

    func testAnalyze_whenTwoSecondsAreNaNOrInfinite_replacesThemCountsThemAndMeasuresTheMusic() throws {
        let music = Percussion.drumPattern(bpm: 120, seconds: 8, sampleRate: 44_100)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: 8, sampleRate: 44_100))
        let clean = scratch.file("clean.wav"), poisoned = scratch.file("poisoned.wav")
        try AudioFileWriter.write(music.stereo(), sampleRate: 44_100, channelCount: 2, to: clean, encoding: .wavFloat)
        let bad = Self.nonFinite(count: 2 * 44_100 * 2)
        try AudioFileWriter.write(bad + music.stereo(), sampleRate: 44_100, channelCount: 2, to: poisoned, encoding: .wavFloat)

        let outcome = try SampleMindBinary.run(["analyze", clean, poisoned], timeout: 60)
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
        let results = try outcome.standardOutput.split(separator: "\n").map(json)
        XCTAssertEqual(results.count, 2)
        let (reference, result) = (results[0], results[1])
        XCTAssertEqual(reference["non_finite_samples"] as? Int, 0)
        XCTAssertEqual(result["non_finite_samples"] as? Int, bad.count, "every NaN and infinite sample is counted")
        let expectedLoudness = try XCTUnwrap(reference["loudness_integrated_lufs"] as? Double)
        let loudness = try XCTUnwrap(result["loudness_integrated_lufs"] as? Double, "loudness survives the bad stretch")
        XCTAssertEqual(loudness, expectedLoudness, accuracy: 0.5, "the replaced stretch is silence, which the R128 gate leaves out")
        XCTAssertEqual(result["peak_dbfs"] as? Double ?? .infinity, reference["peak_dbfs"] as? Double ?? 0, accuracy: 0.01)
        XCTAssertEqual(result["tempo_bpm"] as? Double ?? 0, 120, accuracy: 2.4)
    }

    func testAnalyze_whenAFileIsAFIFOOrADevice_refusesItAtOnceAndStillAnalysesTheOthers() throws {
        let good = try writeSong("good.wav")
        let fifo = scratch.file("pipe.wav")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0, "mkfifo \(fifo)")
        let device = "/dev/null"
        let link = scratch.file("link.wav")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: good)

        // No one ever writes to the FIFO: opening it to read would wait for ever.
        let outcome = try SampleMindBinary.run(["analyze", fifo, device, link], timeout: 20)
        XCTAssertFalse(outcome.timedOut, "analyze hung on the FIFO")
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.errorLines.count, 2, outcome.standardError)
        for (path, line) in zip([fifo, device], outcome.errorLines) {
            XCTAssertTrue(line.hasPrefix("samplemind: \(path): "), "'\(line)' names \(path)")
            XCTAssertTrue(line.contains("not a regular sound file"), line)
        }
        let lines = outcome.errorLines + ["", ""]
        XCTAssertTrue(lines[0].contains("FIFO"), lines[0])
        XCTAssertTrue(lines[1].contains("device"), lines[1])
        let result = try json(outcome.standardOutput.split(separator: "\n").last ?? "")
        XCTAssertEqual(result["file"] as? String, link, "the good file was still analysed, through its link")
    }

    func testAnalyze_whenAFileNameHasANewlineAndAnEscapeSequence_printsItEscapedOnOneLine() throws {
        let missing = scratch.file("bad\nname\u{1B}[31m.wav")
        let outcome = try SampleMindBinary.run(["analyze", missing], timeout: 20)
        XCTAssertEqual(outcome.status, 1)
        XCTAssertEqual(outcome.errorLines.count, 1, outcome.standardError)
        XCTAssertFalse(outcome.standardError.utf8.contains(0x1B), "no raw ESC reaches the terminal")
        XCTAssertEqual(outcome.errorLines.first, "samplemind: \(scratch.path)/bad\\nname\\u{1B}[31m.wav: no such file; check the path")
    }

    func testAnalyze_whenOptionsAreWrong_explainsAndFails() throws {
        let song = try writeSong("song.wav")
        // Sound model files that are not this version's detector: the wrong input, the wrong outputs.
        let models = (scratch.file("four-inputs.smnn"), scratch.file("two-outputs.smnn"))
        try DenseModelFile.write(inputs: 4, outputs: 3, to: models.0)
        try DenseModelFile.write(inputs: 218, outputs: 2, to: models.1)
        for (arguments, phrase) in [
            (["analyze"], "Missing expected argument"),
            (["analyze", "--channel", "0", song], "counts from 1"),
            (["analyze", "--key-profile", "jazz", song], "unknown key profile"),
            (["analyze", "--hop", "5", song], "1–50 ms"),
            (["analyze", "--channel", "3", song], "channel 3"),
            (["analyze", "--detector", "magic", song], "unknown detector 'magic'; use network or dsp"),
            (["analyze", "--detector", "network", "--beat-decoder", "x", song], "use onset-function, bar-pointer or cumulative-score"),
            (["analyze", "--detector", "dsp", "--model", song, song], "add --detector network to use them"),
            (["analyze", "--detector", "dsp", "--beat-decoder", "bar-pointer", song], "add --detector network to use them"),
            (["analyze", "--detector", "network", "--model", models.0, song],
             "\(models.0) takes 4 values per hop but this version of samplemind computes 218"),
            (["analyze", "--detector", "network", "--model", models.1, song],
             "\(models.1) gives 2 values per hop, not the 3 (onset, beat, downbeat) a detector needs"),
            (["analyze", "--detector", "network", "--model", song, song], "or use --detector dsp"),
            (["analyze", "--key", "guess", song], "unknown key estimator 'guess'; use classifier or profile"),
            (["analyze", "--key", "classifier", "--key-profile", "krumhansl", song], "the classifier has no profile to choose"),
            (["analyze", "--key", "profile", "--key-model", song, song], "add --key classifier to use them"),
            (["analyze", "--key-model", models.0, song], "\(models.0) takes 4 values and gives 3; a key classifier takes 24"),
            (["analyze", "--key-model", song, song], "or use --key profile"),
        ] {
            let outcome = try SampleMindBinary.run(arguments)
            XCTAssertNotEqual(outcome.status, 0, "\(arguments)")
            XCTAssertTrue(outcome.standardError.contains(phrase), "'\(outcome.standardError)' should mention '\(phrase)'")
        }
    }

    /// `count` samples that are not numbers or are infinite, in turn: NaN, +∞, −∞.
    private static func nonFinite(count: Int) -> [Float] {
        (0..<count).map { [Float.nan, .infinity, -.infinity][$0 % 3] }
    }

    /// A RIFF/WAVE header whose format chunk names a codec nobody implements.
    private static func waveHeader(formatTag: UInt16) -> Data {
        var data = Data()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); append(UInt32(36 + 400))
        data.append(contentsOf: Array("WAVEfmt ".utf8)); append(UInt32(16))
        append(formatTag); append(UInt16(1)); append(UInt32(44_100)); append(UInt32(88_200)); append(UInt16(2)); append(UInt16(16))
        data.append(contentsOf: Array("data".utf8)); append(UInt32(400))
        data.append(Data(count: 400))
        return data
    }
}
