import Glibc
import Synchronization

/// Wakes one waiting thread: "there is something for you". Signals that come while one is
/// already pending merge into it, so the semaphore's count never grows however long the daemon
/// runs (a plain counting semaphore posted every JACK period would overflow after weeks).
/// Signalling never blocks and only makes a system call (a futex wake) when the waiter sleeps:
/// safe from a real-time callback, as JACK's examples do. Waiting blocks, so only
/// non-real-time-callback threads (the analysis loop between hops, consumers) wait.
public final class WakeSignal: @unchecked Sendable {
    private let semaphore: UnsafeMutablePointer<sem_t>
    private let pending = Atomic<Bool>(false)

    public init() {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Real-time safe: no allocation or locks; when no signal is pending it calls sem_post, which
    /// makes at most one system call (a futex wake, when the waiter sleeps) and never blocks.
    public func signal() {
        if !pending.exchange(true, ordering: .acquiringAndReleasing) { sem_post(semaphore) }
    }

    /// Waits up to `seconds`; returns true when signalled, false on timeout. The waiter should
    /// look for work after this returns, either way: work announced before that look is found by
    /// it, and a signal after it wakes the next wait.
    public func wait(timeout seconds: Double) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let nanoseconds = Int(seconds * 1e9) + deadline.tv_nsec
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        while sem_timedwait(semaphore, &deadline) != 0 {
            if errno != EINTR { return false }
        }
        // A read-modify-write, not a store: the caller looks for work next, and a plain store
        // could be ordered after those loads (x86's store buffer does it). A producer that pushed
        // and found `pending` still set would then post nothing while the caller missed its push.
        // Both sides exchanging on `pending` puts one before the other: either the producer sees
        // false and posts, or the caller sees what the producer pushed.
        _ = pending.exchange(false, ordering: .acquiringAndReleasing)
        return true
    }
}
