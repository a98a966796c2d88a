import SampleMindPerformance
import XCTest

final class BeatSchedulerTests: XCTestCase {
    static func beat(_ index: Int, at wall: Double) -> BeatScheduler.Beat {
        .init(index: index, timeSeconds: wall - 1_000, wallClockSeconds: wall, barPosition: index % 4 + 1, beatsPerBar: 4, bpm: 120)
    }

    func testABeatLeavesLeadSecondsEarlyOnce() {
        var scheduler = BeatScheduler(leadSeconds: 0.05)
        scheduler.predict(Self.beat(7, at: 10.0))
        XCTAssertEqual(scheduler.dueAt ?? 0, 9.95, accuracy: 1e-9)
        XCTAssertNil(scheduler.take(now: 9.94))
        XCTAssertEqual(scheduler.take(now: 9.95)?.index, 7)
        XCTAssertNil(scheduler.take(now: 9.96), "sent once")
        scheduler.predict(Self.beat(7, at: 10.01))
        XCTAssertNil(scheduler.take(now: 10.2), "a prediction that moved after its beat left is not sent again")
        XCTAssertNil(scheduler.reported(Self.beat(7, at: 10.02)), "nor is the reported beat")
    }

    func testACorrectedPredictionIsUsedForTheNextBeat() {
        var scheduler = BeatScheduler(leadSeconds: 0)
        scheduler.predict(Self.beat(1, at: 1.0))
        _ = scheduler.take(now: 1.0)
        scheduler.predict(Self.beat(2, at: 1.5))
        scheduler.predict(Self.beat(2, at: 1.48))
        XCTAssertNil(scheduler.take(now: 1.47))
        XCTAssertEqual(scheduler.take(now: 1.48)?.wallClockSeconds, 1.48)
    }

    func testABeatThatWasNotPredictedInTimeIsSentWhenReported() {
        var scheduler = BeatScheduler(leadSeconds: 0.02)
        XCTAssertEqual(scheduler.reported(Self.beat(0, at: 5))?.index, 0)
        XCTAssertNil(scheduler.reported(Self.beat(0, at: 5)))
        scheduler.restart()
        XCTAssertEqual(scheduler.reported(Self.beat(0, at: 9))?.index, 0, "a new session counts from 0 again")
    }
}
