import SampleMindRealtime
import XCTest

/// The MIDI clock generator over simulated JACK periods, against a known beat grid.
final class MIDIClockGeneratorTests: XCTestCase {
    static let rate = 48_000.0
    static let period = 256

    struct Emitted { var frame: Int; var message: MIDIClockGenerator.Message }

    /// Runs the generator over `seconds`, with the grid `plan(frame)` in force at each period.
    static func run(seconds: Double, plan: (Int) -> ClockSchedule.Plan?) -> [Emitted] {
        var generator = MIDIClockGenerator()
        var out: [Emitted] = []
        var start = 0
        while Double(start) < seconds * rate {
            generator.render(periodStart: start, frames: period, plan: plan(start)) { offset, message in
                out.append(Emitted(frame: start + offset, message: message))
            }
            start += period
        }
        return out
    }

    static func grid(bpm: Double, anchor: Double = 1_000, running: Bool = true) -> ClockSchedule.Plan {
        ClockSchedule.Plan(session: 1, running: running, anchorFrame: anchor, framesPerBeat: 60 * rate / bpm,
                           anchorBarPosition: 1, beatsPerBar: 4)
    }

    func testStartsOnADownbeatWithSongPositionAndKeepsTheGridExactly() {
        let plan = Self.grid(bpm: 120, anchor: 30_000)
        let out = Self.run(seconds: 10) { _ in plan }
        XCTAssertEqual(out.prefix(3).map(\.message), [.songPosition(0), .start, .clock])
        XCTAssertEqual(out[0].frame, 30_000, "the clock starts on the grid's downbeat")
        let pulses = out.filter { $0.message == .clock }.map(\.frame)
        // Every 24th pulse is on a beat of the grid (within the frame the offset rounds to).
        for beat in 0..<(pulses.count / 24) {
            XCTAssertEqual(Double(pulses[beat * 24]), 30_000 + Double(beat) * plan.framesPerBeat, accuracy: 1.0)
        }
        let spacing = Double(pulses.last! - pulses.first!) / Double(pulses.count - 1)
        XCTAssertEqual(spacing, plan.framesPerBeat / 24, accuracy: 0.1)
    }

    func testWaitsForTheDownbeatOfTheBar() {
        var plan = Self.grid(bpm: 120, anchor: 0)
        plan.anchorBarPosition = 3   // the beat at frame 0 is the third of its bar: the downbeat is two beats later
        let out = Self.run(seconds: 3) { _ in plan }
        XCTAssertEqual(out.first?.frame, Int(2 * plan.framesPerBeat))
    }

    func testGlidesToANewTempoAndLocksToItsPhase() {
        let before = Self.grid(bpm: 120, anchor: 0)
        let stepAt = 10 * Int(Self.rate)
        let after = Self.grid(bpm: 132, anchor: Double(stepAt) + 7_000)
        let out = Self.run(seconds: 20) { $0 < stepAt ? before : after }
        let pulses = out.filter { $0.message == .clock }.map(\.frame)
        let intervals = zip(pulses.dropFirst(), pulses).map { Double($0 - $1) }
        // No jump: neighbouring pulse intervals differ by at most the slew limit (plus rounding).
        for (a, b) in zip(intervals.dropFirst(), intervals) {
            XCTAssertLessThanOrEqual(abs(a - b), b * 0.005 + 2, "the clock glides")
        }
        // Four seconds after the step the pulses sit on the new grid.
        let late = pulses.filter { $0 > stepAt + 4 * Int(Self.rate) }
        for pulse in late {
            let onGrid = (Double(pulse) - after.anchorFrame) / (after.framesPerBeat / 24)
            XCTAssertEqual(onGrid, onGrid.rounded(), accuracy: 0.05, "pulse \(pulse) is on the new grid")
        }
        XCTAssertFalse(out.contains { $0.message == .stop }, "a tempo change does not stop the clock")
    }

    func testStopsWhenTheBeatIsLostAndContinuesAtABarWhenItReturns() {
        let running = Self.grid(bpm: 120)
        var stopped = running
        stopped.running = false
        let out = Self.run(seconds: 12) { frame in (4 * 48_000..<6 * 48_000).contains(frame) ? stopped : running }
        let transport = out.filter { $0.message != .clock }.map(\.message)
        XCTAssertEqual(transport.count, 5, "\(transport)")
        XCTAssertEqual(transport[0], .songPosition(0))
        XCTAssertEqual(transport[1], .start)
        XCTAssertEqual(transport[2], .stop)
        guard case .songPosition(let sixteenths) = transport[3] else { return XCTFail("\(transport)") }
        XCTAssertEqual(sixteenths % 16, 0, "continues at the start of a bar (16 sixteenths in 4/4)")
        XCTAssertEqual(transport[4], .continue)
        let pulsesWhileStopped = out.filter { $0.message == .clock && (4 * 48_000 + 256..<6 * 48_000).contains($0.frame) }
        XCTAssertEqual(pulsesWhileStopped.count, 0)
    }

    func testSongPositionBytes() {
        let bytes = MIDIClockGenerator.Message.songPosition(300).bytes
        XCTAssertEqual([bytes.0, bytes.1, bytes.2], [0xF2, 44, 2], "300 = 2 · 128 + 44")
        XCTAssertEqual(bytes.count, 3)
        XCTAssertEqual(MIDIClockGenerator.Message.clock.bytes.0, 0xF8)
    }

    func testTheScheduleHandsOverWholePlans() {
        let schedule = ClockSchedule()
        XCTAssertNil(schedule.read())
        let plan = Self.grid(bpm: 97.5, anchor: 123_456.5)
        schedule.publish(plan)
        XCTAssertEqual(schedule.read(), plan)
    }
}
