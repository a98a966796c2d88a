import SampleMindAnalysis
import SampleMindInference
import SampleMindModels
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// The analyzer with the shipped network: it hears the beat and the bar, and falls back to the DSP detectors, saying why, where it cannot run.
final class NetworkDetectorTests: XCTestCase {
    /// The shipped weights, found beside the test binary as samplemind finds them beside itself.
    static func weights() throws -> DetectorModel { try DetectorWeights.load(nil) }

    /// The trained models shipped with samplemind: the network detector and the key classifier
    /// (the allocation, causality, silence and noise tests run them together).
    static func network(_ configuration: inout AnalyzerConfiguration) {
        configuration.detector = .network
        configuration.network = try? weights()
        configuration.keyModel = try? KeyWeights.load(nil)
    }

    func testNetwork_onDrumsAndChords_findsTheBeatsTheBarAndTheTempo() throws {
        let rate = 44_100.0
        let song = Percussion.drumPattern(bpm: 120, seconds: 20, sampleRate: rate)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: 20, sampleRate: rate))
        let run = try AnalysisRun.analyse(song, configure: Self.network)
        XCTAssertEqual(run.lastFrame.tempoBPM, 120, accuracy: 120 * 0.04)
        let truth = song.beats.filter { $0 > 5 }
        let found = run.beatTimes.filter { $0 > 5 && $0 < 19.5 }
        let hits = found.filter { t in truth.contains { abs($0 - t) < 0.07 } }.count
        let f = 2 * Double(hits) / Double(found.count + truth.filter { $0 < 19.5 }.count)
        XCTAssertGreaterThan(f, 0.8, "beat F-measure after 5 s: \(f)")
        XCTAssertGreaterThan(run.onsets.count, 40, "onsets: \(run.onsets.count)")
    }

    func testOnsetFunctionBeats_areTheDSPDetectorsBeats_andTheOnsetsAreTheNetworks() throws {
        let rate = 44_100.0
        let song = Percussion.drumPattern(bpm: 126, seconds: 16, sampleRate: rate)
            .mixed(with: Harmony.progression(tonic: 4, minor: false, seconds: 16, sampleRate: rate))
        let hybrid = try AnalysisRun.analyse(song) {
            Self.network(&$0)
            $0.beatDecoder = .onsetFunction
        }
        let dsp = try AnalysisRun.analyse(song) { $0.keyModel = try? KeyWeights.load(nil) }
        let network = try AnalysisRun.analyse(song) {
            Self.network(&$0)
            $0.beatDecoder = .barPointer
        }
        XCTAssertGreaterThan(dsp.beats.count, 20, "the DSP trackers found the beat")
        XCTAssertEqual(hybrid.beatTimes, dsp.beatTimes)
        XCTAssertEqual(hybrid.beats.map(\.barPosition), dsp.beats.map(\.barPosition))
        XCTAssertEqual(hybrid.tempoEvents.map(\.bpm), dsp.tempoEvents.map(\.bpm))
        XCTAssertEqual(hybrid.frames.map(\.nextBeatSeconds), dsp.frames.map(\.nextBeatSeconds))
        XCTAssertGreaterThan(network.onsets.count, 40)
        XCTAssertEqual(hybrid.onsets, network.onsets, "the onsets are the network's")
        XCTAssertNotEqual(hybrid.onsets, dsp.onsets, "the network's onsets differ from the onset function's peaks")
    }

    func testNetwork_whereItCannotRun_fallsBackToTheDSPDetectorsAndSaysWhy() throws {
        let weights = try Self.weights()
        var slow = AnalyzerConfiguration(sampleRate: 32_000, channelCount: 1)
        slow.detector = .network
        slow.network = weights
        let atLowRate = try Analyzer(configuration: slow)
        XCTAssertEqual(atLowRate.detectorInUse, .dsp)
        XCTAssertTrue(atLowRate.detectorFallbackReason?.contains("at least 33685 Hz") == true, "\(String(describing: atLowRate.detectorFallbackReason))")

        var shortHop = AnalyzerConfiguration(sampleRate: 48_000, channelCount: 1, hopSize: 240)
        shortHop.detector = .network
        shortHop.network = weights
        let withShortHop = try Analyzer(configuration: shortHop)
        XCTAssertEqual(withShortHop.detectorInUse, .dsp)
        XCTAssertTrue(withShortHop.detectorFallbackReason?.contains("10 ms hops and the hop is 5.0 ms") == true,
                      "\(String(describing: withShortHop.detectorFallbackReason))")

        var none = AnalyzerConfiguration(sampleRate: 48_000, channelCount: 1)
        none.detector = .network
        XCTAssertEqual(try Analyzer(configuration: none).detectorFallbackReason, "no network weights were given")

        var fine = AnalyzerConfiguration(sampleRate: 48_000, channelCount: 2)
        fine.detector = .network
        fine.network = weights
        let running = try Analyzer(configuration: fine)
        XCTAssertEqual(running.detectorInUse, .network)
        XCTAssertNil(running.detectorFallbackReason)
    }

    func testWeightsForAnotherPurpose_areRefusedAtLoad_namingTheFileAndTheSizes() throws {
        let scratch = try ScratchDirectory("samplemind-detector-weights")
        defer { scratch.remove() }
        for (inputs, outputs, phrase) in [
            (4, 3, "takes 4 values per hop but this version of samplemind computes 218"),
            (218, 2, "gives 2 values per hop, not the 3 (onset, beat, downbeat) a detector needs"),
        ] {
            let path = scratch.file("\(inputs)-\(outputs).smnn")
            try DenseModelFile.write(inputs: inputs, outputs: outputs, to: path)
            XCTAssertNoThrow(try ModelFile(contentsOf: path), "the file itself is sound")
            XCTAssertThrowsError(try DetectorWeights.load(path)) {
                XCTAssertTrue("\($0)".hasPrefix(path), "the message starts with the file: \($0)")
                XCTAssertTrue("\($0)".contains(phrase), "\($0) should say '\(phrase)'")
            }
            // Nor can code build a detector of them.
            XCTAssertThrowsError(try DetectorModel(weights: ModelFile(contentsOf: path), onsetThreshold: 0.5)) {
                XCTAssertTrue("\($0)".contains(phrase), "\($0)")
            }
        }
        XCTAssertThrowsError(try DetectorWeights.load(scratch.file("absent.smnn"))) {
            XCTAssertTrue("\($0)".contains("absent.smnn"), "\($0)")
        }
    }

    func testSettingsFile_besideTheWeights_mustBelongToThem() throws {
        let scratch = try ScratchDirectory("samplemind-detector-settings")
        defer { scratch.remove() }
        let path = scratch.file("fits.smnn"), settings = scratch.file("fits.json")
        XCTAssertEqual(DetectorWeights.settingsPath(forWeightsAt: path), settings)
        try DenseModelFile.write(inputs: 218, outputs: 3, to: path)
        let sha256 = try ModelFile(contentsOf: path).sha256
        func write(_ text: String) throws { try text.write(toFile: settings, atomically: true, encoding: .utf8) }
        func refusal() -> String {
            do {
                _ = try DetectorWeights.load(path)
                return "loaded"
            } catch {
                return error.description
            }
        }

        XCTAssertTrue(refusal().hasPrefix("no settings file \(settings) beside \(path)"), refusal())
        try write(#"{"format": 1, "weights_sha256": "\#(sha256)", "feature_version": 1, "onset_threshold": 0.4}"#)
        XCTAssertEqual(try DetectorWeights.load(path).onsetThreshold, 0.4)
        for (text, phrase) in [
            (#"{"format": 1, "weights_sha256": "00", "feature_version": 1, "onset_threshold": 0.4}"#, "belongs to other weights"),
            (#"{"format": 1, "weights_sha256": "\#(sha256)", "feature_version": 7, "onset_threshold": 0.4}"#,
             "trained on input features of another version"),
            (#"{"format": 1, "weights_sha256": "\#(sha256)", "feature_version": 1, "onset_threshold": 1.5}"#, "no onset_threshold above 0"),
            (#"{"format": 1, "weights_sha256": "\#(sha256)", "feature_version": 1}"#, "no onset_threshold above 0"),
            (#"{"format": 2, "weights_sha256": "\#(sha256)", "feature_version": 1, "onset_threshold": 0.4}"#, "settings format 2"),
            ("[1, 2", "is not a settings file"),
            (String(repeating: " ", count: 1_100_000) + "{}", "is not a settings file"),
        ] {
            try write(text)
            XCTAssertTrue(refusal().contains(phrase), "\(refusal()) should say '\(phrase)'")
        }
        try FileManager.default.removeItem(atPath: settings)
        try FileManager.default.createDirectory(atPath: settings, withIntermediateDirectories: false)
        XCTAssertTrue(refusal().hasPrefix("no settings file"), refusal())
    }

    func testShippedSettings_belongToTheShippedWeights() throws {
        let shipped = try Self.weights()
        XCTAssertGreaterThan(shipped.onsetThreshold, 0)
        XCTAssertLessThanOrEqual(shipped.onsetThreshold, 1)
    }

    func testModels_madeFromOneFile_keepTheirOwnState() throws {
        let file = try Self.weights().weights
        let first = file.makeModel(), second = file.makeModel()
        let input = (0..<file.inputSize).map { Float($0 % 11) / 4 }
        let opening = input.withUnsafeBufferPointer { Array(first.forward($0)) }
        for _ in 0..<20 { input.withUnsafeBufferPointer { _ = first.forward($0) } }
        let fresh = input.withUnsafeBufferPointer { Array(second.forward($0)) }
        XCTAssertEqual(fresh, opening, "the second model starts from zero state, untouched by the first")
        XCTAssertNotEqual(input.withUnsafeBufferPointer { Array(first.forward($0)) }, opening, "the first carries its past")
    }
}
