import Glibc
import SampleMindRealtime
import Synchronization

/// The time a stress test's threads may run before they give up, so a broken type fails the test
/// instead of hanging it.
struct Deadline {
    private let endNanoseconds: Int64

    init(seconds: Double) { endNanoseconds = MonotonicClock.nanoseconds() + Int64(seconds * 1e9) }

    /// Two minutes from now: a stress test takes well under a second in a debug build, but
    /// ThreadSanitizer makes it 10 to 200 times slower, and more on a busy machine.
    static var stressTest: Deadline { Deadline(seconds: 120) }

    var hasPassed: Bool { MonotonicClock.nanoseconds() >= endNanoseconds }
}

/// Busy-waiting that gives the core away every 1024 turns (some microseconds), so two test threads
/// that share one busy core still take turns instead of each spinning out its whole time slice.
struct SpinWait {
    private var turns = 0

    mutating func pause() {
        turns += 1
        if turns % 1_024 == 0 { sched_yield() }
    }
}

/// A flag one thread raises and another watches (released on raising, acquired on reading).
final class Flag: Sendable {
    private let raised = Atomic<Bool>(false)

    func raise() { raised.store(true, ordering: .releasing) }
    var isRaised: Bool { raised.load(ordering: .acquiring) }
}

/// Runs `first` and `second` on two new threads that start together, and returns once both have
/// finished: joined, so everything they wrote is visible to the caller.
func runOnTwoThreads(_ first: @escaping () -> Void, _ second: @escaping () -> Void) {
    let startLine = StartLine()
    let threads = [first, second].map { body in
        RealtimeThread.start(priority: nil) {
            startLine.arriveAndWait(for: 2)
            body()
        }
    }
    let started = threads.compactMap { $0 }
    precondition(started.count == 2, "could not start a test thread")
    for thread in started { pthread_join(thread, nil) }
}

/// Holds each thread until all have arrived, so the threads overlap from their first step.
private final class StartLine: Sendable {
    private let arrived = Atomic<Int>(0)

    func arriveAndWait(for count: Int) {
        arrived.add(1, ordering: .acquiringAndReleasing)
        var spin = SpinWait()
        while arrived.load(ordering: .acquiring) < count { spin.pause() }
    }
}
