import SampleMindLink
import XCTest

/// Lead mode's decisions, driven with exact predictions.
final class LinkLeaderTests: XCTestCase {
    func testFirstPrediction_placesTheBeatAtItsPlaceInTheBar() {
        var leader = LinkLeader()
        let action = leader.predicted(beatMicros: 1_000_000, barPosition: 3, beatsPerBar: 4, bpm: 120, confidence: 0.7, sessionPhase: 0.7)
        XCTAssertEqual(action, .place(beat: 2, atMicros: 1_000_000, quantum: 4, bpm: 120))
    }

    func testLaterPredictions_correctPhaseWithSmallTempoNudgesNeverJumps() {
        var leader = LinkLeader()
        _ = leader.predicted(beatMicros: 0, barPosition: 1, beatsPerBar: 4, bpm: 120, confidence: 0.7, sessionPhase: 0)
        // The session is a twentieth of a beat ahead: propose a little slower.
        guard case .propose(let slower) = leader.predicted(beatMicros: 500_000, barPosition: 2, beatsPerBar: 4, bpm: 120, confidence: 0.7, sessionPhase: 1.05) else {
            return XCTFail("no correction")
        }
        XCTAssertEqual(slower, 120 - 0.05 / LinkLeader.correctionSeconds * 60, accuracy: 1e-9)
        XCTAssertEqual(leader.phaseErrorBeats, 0.05, accuracy: 1e-9)
        // A beat and a tenth behind: only the tenth is corrected (the bar stays where it was
        // placed), and the nudge is capped at 2 % of the tempo.
        guard case .propose(let capped) = leader.predicted(beatMicros: 1_000_000, barPosition: 3, beatsPerBar: 4, bpm: 120, confidence: 0.7, sessionPhase: 0.9) else {
            return XCTFail("no correction")
        }
        XCTAssertEqual(capped, 120 * (1 + LinkLeader.maximumNudge), accuracy: 1e-9)
        XCTAssertEqual(leader.phaseErrorBeats, -0.1, accuracy: 1e-9)
    }

    func testPredictions_whenInPhase_proposeTheTrackersTempoOnceAndThenNothing() {
        var leader = LinkLeader()
        _ = leader.predicted(beatMicros: 0, barPosition: 1, beatsPerBar: 4, bpm: 120, confidence: 0.7, sessionPhase: 0)
        XCTAssertEqual(leader.predicted(beatMicros: 500_000, barPosition: 2, beatsPerBar: 4, bpm: 120, confidence: 0.7, sessionPhase: 1), .none)
        XCTAssertEqual(leader.predicted(beatMicros: 1_000_000, barPosition: 3, beatsPerBar: 4, bpm: 126, confidence: 0.7, sessionPhase: 2), .propose(bpm: 126))
    }

    func testPredictions_whenValuesAreOutOfRangeOrUnsure_doNothing() {
        var leader = LinkLeader()
        XCTAssertEqual(leader.predicted(beatMicros: 0, barPosition: 5, beatsPerBar: 4, bpm: 120, confidence: 0.7, sessionPhase: 0), .none)
        XCTAssertEqual(leader.predicted(beatMicros: 0, barPosition: 1, beatsPerBar: 4, bpm: .nan, confidence: 0.7, sessionPhase: 0), .none)
        XCTAssertEqual(leader.predicted(beatMicros: 0, barPosition: 1, beatsPerBar: 0, bpm: 120, confidence: 0.7, sessionPhase: 0), .none)
        XCTAssertEqual(leader.predicted(beatMicros: 0, barPosition: 1, beatsPerBar: 4, bpm: 75, confidence: 0.2, sessionPhase: 0), .none,
                       "an early guess the tracker is unsure of")
        XCTAssertEqual(leader.predicted(beatMicros: 0, barPosition: 1, beatsPerBar: 4, bpm: 120, confidence: .nan, sessionPhase: 0), .none)
        XCTAssertFalse(leader.placed)
    }
}
