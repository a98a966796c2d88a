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

    func testRunnerUpAndMargin_nameTheNextKeyAndGoBelowZeroOnlyWhileAChangeIsHeldOff() throws {
        let rate = 44_100.0
        let signal = Harmony.progression(tonic: 0, minor: false, seconds: 16, sampleRate: rate)
            .followed(by: Harmony.progression(tonic: 4, minor: false, seconds: 16, sampleRate: rate))
        let run = try AnalysisRun.analyse(signal)
        XCTAssertTrue(run.frames.allSatisfy { ($0.keyIndex < 0) == ($0.keyRunnerUpIndex < 0) }, "a runner-up exactly while a key is shown")
        XCTAssertTrue(run.frames.allSatisfy { $0.keyIndex < 0 || $0.keyRunnerUpIndex != $0.keyIndex })
        // Settled in C major: a runner-up, and C major ahead of it.
        let settled = run.frames.filter { $0.timeSeconds > 10 && $0.timeSeconds < 16 }
        XCTAssertTrue(settled.allSatisfy { $0.key?.description == "C major" && $0.keyRunnerUp != nil && $0.keyMargin > 0 },
                      "\(settled.last.map { "\($0.keyRunnerUp?.description ?? "none") by \($0.keyMargin)" } ?? "")")
        // After the change to E major and before it is confirmed, C major is still shown while
        // another key fits better: the margin is negative. (The blend of the two keys first looks
        // most like E minor, then E major, which is the runner-up just before the change.)
        let held = run.frames.filter { $0.timeSeconds > 16 && $0.key?.description == "C major" && $0.keyMargin < 0 }
        XCTAssertFalse(held.isEmpty, "the challenger shows as a negative margin")
        XCTAssertEqual(held.last?.keyRunnerUp?.description, "E major")
        let end = try XCTUnwrap(run.frames.last)
        XCTAssertEqual(end.key?.description, "E major")
        XCTAssertGreaterThan(end.keyMargin, 0)
    }
}
