import SampleMindRealtime
import XCTest

final class ClockScheduleTests: XCTestCase {
    /// A plan whose every field follows from `number`, and changes from one number to the next:
    /// a read that mixes two plans cannot equal the plan of its own session number.
    private static func plan(_ number: Int) -> ClockSchedule.Plan {
        ClockSchedule.Plan(session: number, running: number % 2 == 0, anchorFrame: Double(number) * 512.5,
                           framesPerBeat: 1_000 + Double(number % 1_000) / 8, anchorBarPosition: number % 4 + 1,
                           beatsPerBar: number % 7 + 1)
    }

    func testRead_beforeAnyPlan_returnsNil() {
        XCTAssertNil(ClockSchedule().read())
    }

    func testRead_afterPublish_returnsTheLatestPlanExactly() {
        let schedule = ClockSchedule()
        schedule.publish(Self.plan(1))
        XCTAssertEqual(schedule.read(), Self.plan(1))
        let extreme = ClockSchedule.Plan(session: Int.max, running: false, anchorFrame: -0.0, framesPerBeat: .infinity,
                                         anchorBarPosition: Int.min, beatsPerBar: 0)
        schedule.publish(extreme)
        let read = schedule.read()
        XCTAssertEqual(read, extreme)
        XCTAssertEqual(read?.anchorFrame.sign, .minus, "the bits go across, not just the value")
        XCTAssertEqual(schedule.read(), extreme, "reading does not consume")
    }

    /// One writer publishes plan after plan as fast as it can while one reader reads as fast as it
    /// can, until the reader has seen 500,000 different plans: no read may mix two plans, and
    /// reads never go back in time. Nil is allowed: with writes back to back, many reads overlap one.
    func testRead_whileAnotherThreadPublishes_neverReturnsAMixOfTwoPlans() {
        let schedule = ClockSchedule()
        let plansToSee = 500_000
        let deadline = Deadline.stressTest
        let readerDone = Flag()
        var torn = 0, backwards = 0, seen = 0
        runOnTwoThreads({
            var number = 1
            while !readerDone.isRaised {
                if number % 1_024 == 0, deadline.hasPassed { break }
                schedule.publish(Self.plan(number))
                number += 1
            }
        }, {
            var latest = 0
            var spin = SpinWait()
            while seen < plansToSee, !deadline.hasPassed {
                guard let plan = schedule.read() else { continue }
                if plan != Self.plan(plan.session) { torn += 1 }
                if plan.session < latest { backwards += 1 }
                if plan.session > latest { seen += 1 } else { spin.pause() }
                latest = max(latest, plan.session)
            }
            readerDone.raise()
        })
        XCTAssertFalse(deadline.hasPassed, "finished in time")
        XCTAssertEqual(seen, plansToSee)
        XCTAssertEqual(torn, 0, "reads that mixed two plans")
        XCTAssertEqual(backwards, 0, "reads older than an earlier read")
    }
}
