import Synchronization

/// The beat grid the MIDI clock follows, handed from the clock's driver thread to the audio
/// callback without locks: a sequence lock over a few atomic words (one writer, one reader; the
/// reader retries the rare read that overlaps a write, and never waits).
public final class ClockSchedule: @unchecked Sendable {
    /// A beat grid in the input session's sample frames.
    public struct Plan: Sendable, Equatable {
        /// The input session it belongs to (the capture channel's number, from 1).
        public var session: Int
        /// False when no beat is being tracked (the clock stops).
        public var running: Bool
        /// The session frame of one beat of the grid, and the grid's spacing.
        public var anchorFrame: Double
        public var framesPerBeat: Double
        /// That beat's position in the bar (1 = downbeat) and the beats per bar.
        public var anchorBarPosition: Int
        public var beatsPerBar: Int

        public init(session: Int, running: Bool, anchorFrame: Double, framesPerBeat: Double, anchorBarPosition: Int, beatsPerBar: Int) {
            self.session = session
            self.running = running
            self.anchorFrame = anchorFrame
            self.framesPerBeat = framesPerBeat
            self.anchorBarPosition = anchorBarPosition
            self.beatsPerBar = beatsPerBar
        }
    }

    private let sequence = Atomic<UInt64>(0)
    private let session = Atomic<Int>(0)
    private let running = Atomic<Bool>(false)
    private let anchor = Atomic<UInt64>(0)
    private let spacing = Atomic<UInt64>(0)
    private let barPosition = Atomic<Int>(1)
    private let beatsPerBar = Atomic<Int>(4)

    public init() {}

    /// Writer side (one thread).
    public func publish(_ plan: Plan) {
        let start = sequence.load(ordering: .relaxed) &+ 1
        sequence.store(start, ordering: .relaxed)
        atomicMemoryFence(ordering: .releasing)
        session.store(plan.session, ordering: .relaxed)
        running.store(plan.running, ordering: .relaxed)
        anchor.store(plan.anchorFrame.bitPattern, ordering: .relaxed)
        spacing.store(plan.framesPerBeat.bitPattern, ordering: .relaxed)
        barPosition.store(plan.anchorBarPosition, ordering: .relaxed)
        beatsPerBar.store(plan.beatsPerBar, ordering: .relaxed)
        sequence.store(start &+ 1, ordering: .releasing)
    }

    /// Reader side (the audio callback). Real-time safe; nil before the first plan, and when four
    /// reads in a row overlapped a write (common when writes come back to back, or when the writer
    /// is preempted mid-write): the reader should keep using the last plan it read.
    public func read() -> Plan? {
        for _ in 0..<4 {
            let before = sequence.load(ordering: .acquiring)
            guard before & 1 == 0 else { continue }
            guard before > 0 else { return nil }
            let plan = Plan(session: session.load(ordering: .relaxed), running: running.load(ordering: .relaxed),
                            anchorFrame: Double(bitPattern: anchor.load(ordering: .relaxed)),
                            framesPerBeat: Double(bitPattern: spacing.load(ordering: .relaxed)),
                            anchorBarPosition: barPosition.load(ordering: .relaxed), beatsPerBar: beatsPerBar.load(ordering: .relaxed))
            atomicMemoryFence(ordering: .acquiring)
            if sequence.load(ordering: .relaxed) == before { return plan }
        }
        return nil
    }
}
