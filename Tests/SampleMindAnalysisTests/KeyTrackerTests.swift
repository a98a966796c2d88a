import SampleMindAnalysis
import SampleMindSynthesis
import XCTest

final class KeyTrackerTests: XCTestCase {
    func testProcess_whenChordProgressions_reportsEachKey() throws {
        for (tonic, minor) in [(0, false), (9, true), (6, false), (3, true), (10, false), (4, true)] {
            let chords = Harmony.progression(tonic: tonic, minor: minor, seconds: 12, sampleRate: 44_100)
            let run = try AnalysisRun.analyse(chords)
            XCTAssertEqual(run.lastFrame.key?.description, chords.key)
        }
    }

    func testProcess_whenDetunedBy30Cents_stillFindsTheKeyAndTheTuning() throws {
        for cents in [-30.0, 30] {
            let chords = Harmony.progression(tonic: 2, minor: false, seconds: 14, sampleRate: 44_100, tuningCents: cents)
            let run = try AnalysisRun.analyse(chords)
            XCTAssertEqual(run.lastFrame.key?.description, "D major", "detuned by \(cents) cents")
            XCTAssertEqual(Double(run.lastFrame.tuningCents), cents, accuracy: 6)
        }
    }

    func testProcess_whenKeyChanges_emitsOneChangeToTheNewKey() throws {
        let rate = 44_100.0
        let signal = Harmony.progression(tonic: 0, minor: false, seconds: 16, sampleRate: rate)
            .followed(by: Harmony.progression(tonic: 4, minor: false, seconds: 16, sampleRate: rate))
        let run = try AnalysisRun.analyse(signal)
        XCTAssertEqual(run.keyEvents.first?.key.description, "C major")
        let changes = run.keyEvents.dropFirst()
        XCTAssertEqual(changes.map(\.key.description), ["E major"], "one change, to E major, no flicker")
        XCTAssertEqual(changes.first?.time ?? 0, 16, accuracy: 2, "stamped with when the music changed key")
    }

    func testProcess_whenSilence_reportsNoKey() throws {
        let run = try AnalysisRun.analyse(Noise.silence(seconds: 10, sampleRate: 44_100))
        XCTAssertNil(run.lastFrame.key)
        XCTAssertTrue(run.keyEvents.isEmpty)
    }
}
