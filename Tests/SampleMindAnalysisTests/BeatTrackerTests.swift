import SampleMindAnalysis
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

final class BeatTrackerTests: XCTestCase {
    func testProcess_whenDrumPattern_beatsLandOnTheBeatAfterLockIn() throws {
        for bpm in [96.0, 124] {
            let drums = Percussion.drumPattern(bpm: bpm, seconds: 20, sampleRate: 44_100)
            let run = try AnalysisRun.analyse(drums)
            let detected = run.beatTimes.filter { $0 >= 5 }
            let truth = drums.beats.filter { $0 >= 5 }
            XCTAssertGreaterThan(fMeasure(detected, truth, tolerance: 0.07), 0.95, "beat F-measure at \(bpm) BPM")
        }
    }

    func testProcess_whenClickTrack_beatIntervalsMatchTheTempo() throws {
        let run = try AnalysisRun.analyse(Percussion.clicks(bpm: 140, seconds: 15, sampleRate: 48_000))
        let late = run.beatTimes.filter { $0 > 6 }
        XCTAssertGreaterThan(late.count, 15)
        for (a, b) in zip(late, late.dropFirst()) {
            XCTAssertEqual(b - a, 60 / 140, accuracy: 0.025)
        }
    }

    func testProcess_whenKickOnOneAndThree_barPositionsFollowTheBar() throws {
        let drums = Percussion.drumPattern(bpm: 120, seconds: 24, sampleRate: 44_100)
        let run = try AnalysisRun.analyse(drums)
        let late = run.beats.filter { $0.time > 12 }
        XCTAssertGreaterThan(late.count, 16)
        // Kicks fall on 1 and 3, so the downbeat is either; positions must cycle 1…4 in order.
        for (a, b) in zip(late, late.dropFirst()) {
            XCTAssertEqual(b.barPosition, a.barPosition % 4 + 1)
        }
        let downbeats = late.filter { $0.barPosition == 1 }.map(\.time)
        let kicks = drums.beats.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        XCTAssertEqual(matchCount(downbeats, kicks, tolerance: 0.07), downbeats.count, "downbeats are on kicks")
    }
}
