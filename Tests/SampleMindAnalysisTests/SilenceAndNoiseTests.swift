import SampleMindAnalysis
import SampleMindSynthesis
import XCTest

/// With either detector: no onset, beat, tempo or key on digital silence or on white, pink or
/// brown noise, at any level.
final class SilenceAndNoiseTests: XCTestCase {
    private func check(_ detector: String, _ configure: (inout AnalyzerConfiguration) -> Void) throws {
        let rate = 48_000.0
        let signals: [(String, Signal)] = [
            ("silence", Noise.silence(seconds: 20, sampleRate: rate)),
            ("white noise", Noise.white(seconds: 20, sampleRate: rate)),
            ("quiet white noise", Noise.white(seconds: 20, sampleRate: rate, amplitude: 0.003)),
            ("pink noise", Noise.pink(seconds: 20, sampleRate: rate)),
            ("brown noise", Noise.brown(seconds: 20, sampleRate: rate)),
            ("quiet brown noise", Noise.brown(seconds: 20, sampleRate: rate, amplitude: 0.003)),
        ]
        for (name, signal) in signals {
            let run = try AnalysisRun.analyse(signal, configure: configure)
            let context = "\(detector), \(name)"
            XCTAssertEqual(run.onsets.count, 0, "\(context): onsets at \(run.onsets.prefix(5))")
            XCTAssertTrue(run.beats.isEmpty, "\(context): \(run.beats.count) beats")
            XCTAssertEqual(run.frames.map(\.tempoBPM).max(), 0, "\(context): a tempo")
            XCTAssertTrue(run.keyEvents.isEmpty, "\(context): key \(run.keyEvents.map(\.key))")
            XCTAssertEqual(run.frames.map(\.keyIndex).max(), -1, "\(context): a key is shown")
        }
    }

    func testDSPDetectors_onSilenceAndNoise_reportNoOnsetBeatTempoOrKey() throws {
        try check("DSP detectors") { _ in }
    }

    func testNetwork_onSilenceAndNoise_reportsNoOnsetBeatTempoOrKey() throws {
        try check("network", NetworkDetectorTests.network)
    }
}
