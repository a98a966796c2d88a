import SampleMindAnalysis
import SampleMindInference
import SampleMindModels
import SampleMindSynthesis
import XCTest

/// The analyzer with the shipped network: it hears the beat and the bar, and falls back to the DSP detectors, saying why, where it cannot run.
final class NetworkDetectorTests: XCTestCase {
    static func weights() throws -> ModelFile {
        let path = try XCTUnwrap(ShippedModels.detectorPath, "the shipped weights are a resource of SampleMindModels")
        return try ModelFile(contentsOf: path)
    }

    static func network(_ configuration: inout AnalyzerConfiguration) {
        configuration.detector = .network
        configuration.network = try? weights()
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
}
