import SampleMindAnalysis
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

final class OnsetDetectorTests: XCTestCase {
    func testProcess_whenClickTrack_findsEveryClickWithin20Milliseconds() throws {
        let clicks = Percussion.clicks(bpm: 120, seconds: 10, sampleRate: 44_100)
        let run = try AnalysisRun.analyse(clicks)
        XCTAssertEqual(run.onsets.count, clicks.onsets.count, "one onset per click, no extras")
        XCTAssertEqual(matchCount(run.onsets, clicks.onsets, tolerance: 0.02), clicks.onsets.count)
    }

    func testProcess_whenDrumPattern_findsEighthNotesWithin50Milliseconds() throws {
        let drums = Percussion.drumPattern(bpm: 110, seconds: 12, sampleRate: 44_100)
        let run = try AnalysisRun.analyse(drums)
        XCTAssertGreaterThan(fMeasure(run.onsets, drums.onsets, tolerance: 0.05), 0.95)
    }

    func testProcess_whenDigitalSilence_producesNoOnsets() throws {
        let run = try AnalysisRun.analyse(Noise.silence(seconds: 20, sampleRate: 44_100))
        XCTAssertEqual(run.onsets, [])
        XCTAssertEqual(run.lastFrame.flux, 0)
    }

    func testProcess_whenWhiteNoise_producesNoOnsets() throws {
        for seed in [UInt64(3), 11, 29] {
            let run = try AnalysisRun.analyse(Noise.white(seconds: 20, sampleRate: 44_100, seed: seed))
            XCTAssertEqual(run.onsets, [], "white noise (seed \(seed)) has no onsets")
        }
    }

    func testProcess_whenVeryQuietClicksAtMinus60DBFS_stillFindsThem() throws {
        let clicks = Percussion.clicks(bpm: 100, seconds: 8, sampleRate: 44_100, amplitude: 0.001)
        let run = try AnalysisRun.analyse(clicks)
        XCTAssertEqual(matchCount(run.onsets, clicks.onsets, tolerance: 0.02), clicks.onsets.count)
        XCTAssertLessThan(run.frames.map(\.peakDBFS).max()!, -55)
    }

    func testProcess_whenHardClippedDrums_stillFindsTheAttacks() throws {
        let drums = Percussion.drumPattern(bpm: 120, seconds: 10, sampleRate: 44_100)
        var clipped = drums.scaled(by: 8)
        clipped.samples = clipped.samples.map { max(-1, min(1, $0)) }
        let run = try AnalysisRun.analyse(clipped)
        XCTAssertGreaterThan(fMeasure(run.onsets, drums.onsets, tolerance: 0.05), 0.9)
    }

    func testProcess_whenLargeDCOffset_findsTheSameClicks() throws {
        let clicks = Percussion.clicks(bpm: 120, seconds: 8, sampleRate: 44_100, amplitude: 0.3)
        let run = try AnalysisRun.analyse(clicks.scaled(by: 1, offset: 0.5))
        // The offset switching on at the start and off in the padding after the end are real steps;
        // between them, only the clicks count.
        let afterStep = run.onsets.filter { $0 > 0.1 && $0 < clicks.durationSeconds - 0.05 }
        XCTAssertEqual(matchCount(afterStep, clicks.onsets, tolerance: 0.02), clicks.onsets.count)
        XCTAssertEqual(afterStep.count, clicks.onsets.count)
    }
}
