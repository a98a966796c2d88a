import SampleMindLink
import XCTest

/// Lead mode's decisions, driven with exact predictions.
final class LinkLeaderTests: XCTestCase {
    /// Predictions of beats `indices` at 120 BPM, 500 ms apart, in bars of four whose downbeat
    /// is beat index `downbeat` (mod 4); returns the actions.
    @discardableResult
    static func feed(_ leader: inout LinkLeader, _ indices: Range<Int>, downbeat: Int, confidence: Float = 0.7) -> [LinkLeader.Action] {
        indices.map { index in
            let position = ((index - downbeat) % 4 + 4) % 4 + 1
            return leader.predicted(beatIndex: index, beatMicros: Int64(index) * 500_000, barPosition: position, beatsPerBar: 4,
                                    bpm: 120, confidence: confidence, sessionPhase: Double(position - 1))
        }
    }

    /// A leader whose grid was placed at beat `index` 8, a downbeat (beats 0…8 predicted).
    static func placed() -> LinkLeader {
        var leader = LinkLeader()
        feed(&leader, 0..<(LinkLeader.settleBars * 4 + 1), downbeat: 0)
        return leader
    }

    func testPlacement_waitsUntilTheDownbeatHoldsStillForTwoBarsThenPutsTheBeatAtItsPlaceInTheBar() {
        var leader = LinkLeader()
        // The tracker's first guess of the bar, then its settled one from beat 3 on.
        let early = Self.feed(&leader, 0..<3, downbeat: 1)
        XCTAssertEqual(early, [.none, .none, .none])
        let settling = Self.feed(&leader, 3..<(3 + 2 * 4), downbeat: 2)
        XCTAssertEqual(settling, Array(repeating: .none, count: 8), "two bars with the same downbeat: not yet more")
        XCTAssertFalse(leader.placed)
        let placing = Self.feed(&leader, 11..<12, downbeat: 2)
        // Beat 11 is the second of a bar starting on beat 10.
        XCTAssertEqual(placing, [.place(beat: 1, atMicros: 5_500_000, quantum: 4, bpm: 120)])
        XCTAssertTrue(leader.placed)
    }

    func testPlacement_whenTheTrackerIsUnsureOrTheMeterChanges_startsCountingAgain() {
        var leader = LinkLeader()
        Self.feed(&leader, 0..<6, downbeat: 0)
        Self.feed(&leader, 6..<7, downbeat: 0, confidence: 0.2)
        Self.feed(&leader, 7..<15, downbeat: 0)
        XCTAssertFalse(leader.placed, "an unsure prediction in between restarts the count")
        _ = leader.predicted(beatIndex: 15, beatMicros: 7_500_000, barPosition: 1, beatsPerBar: 3, bpm: 120, confidence: 0.7, sessionPhase: 0)
        Self.feed(&leader, 16..<17, downbeat: 0)
        XCTAssertFalse(leader.placed, "a bar of three in between restarts the count")
        Self.feed(&leader, 17..<26, downbeat: 0)
        XCTAssertTrue(leader.placed)
    }

    func testLaterPredictions_correctPhaseWithSmallTempoNudgesNeverJumps() {
        var leader = Self.placed()
        // The session is a twentieth of a beat ahead: propose a little slower.
        guard case .propose(let slower) = leader.predicted(beatIndex: 9, beatMicros: 4_500_000, barPosition: 2, beatsPerBar: 4, bpm: 120,
                                                           confidence: 0.7, sessionPhase: 1.05) else {
            return XCTFail("no correction")
        }
        XCTAssertEqual(slower, 120 - 0.05 / LinkLeader.correctionSeconds * 60, accuracy: 1e-9)
        XCTAssertEqual(leader.phaseErrorBeats, 0.05, accuracy: 1e-9)
        // A beat and a tenth behind: only the tenth is corrected (the bar stays where it was
        // placed), and the nudge is capped at 2 % of the tempo.
        guard case .propose(let capped) = leader.predicted(beatIndex: 10, beatMicros: 5_000_000, barPosition: 3, beatsPerBar: 4, bpm: 120,
                                                           confidence: 0.7, sessionPhase: 0.9) else {
            return XCTFail("no correction")
        }
        XCTAssertEqual(capped, 120 * (1 + LinkLeader.maximumNudge), accuracy: 1e-9)
        XCTAssertEqual(leader.phaseErrorBeats, -0.1, accuracy: 1e-9)
    }

    func testPredictions_whenInPhase_proposeTheTrackersTempoOnceAndThenNothing() {
        var leader = Self.placed()
        XCTAssertEqual(leader.predicted(beatIndex: 9, beatMicros: 4_500_000, barPosition: 2, beatsPerBar: 4, bpm: 120, confidence: 0.7,
                                        sessionPhase: 1), .none)
        XCTAssertEqual(leader.predicted(beatIndex: 10, beatMicros: 5_000_000, barPosition: 3, beatsPerBar: 4, bpm: 126, confidence: 0.7,
                                        sessionPhase: 2), .propose(bpm: 126))
    }

    func testPredictions_whenValuesAreOutOfRangeOrUnsure_doNothing() {
        var leader = LinkLeader()
        for index in 0..<20 {
            let cases: [LinkLeader.Action] = [
                leader.predicted(beatIndex: index, beatMicros: 0, barPosition: 5, beatsPerBar: 4, bpm: 120, confidence: 0.7, sessionPhase: 0),
                leader.predicted(beatIndex: index, beatMicros: 0, barPosition: 1, beatsPerBar: 4, bpm: .nan, confidence: 0.7, sessionPhase: 0),
                leader.predicted(beatIndex: index, beatMicros: 0, barPosition: 1, beatsPerBar: 0, bpm: 120, confidence: 0.7, sessionPhase: 0),
                leader.predicted(beatIndex: index, beatMicros: 0, barPosition: 1, beatsPerBar: 4, bpm: 75, confidence: 0.2, sessionPhase: 0),
                leader.predicted(beatIndex: index, beatMicros: 0, barPosition: 1, beatsPerBar: 4, bpm: 120, confidence: .nan, sessionPhase: 0),
            ]
            XCTAssertEqual(cases, Array(repeating: .none, count: cases.count), "beat \(index)")
        }
        XCTAssertFalse(leader.placed)
    }
}
