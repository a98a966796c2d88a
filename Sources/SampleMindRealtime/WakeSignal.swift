import Glibc

/// A counting semaphore for waking a waiting thread. Signalling only makes a system call (a
/// futex wake) when a thread is actually waiting, and never blocks: safe to call from a
/// real-time callback, as JACK's examples do. Waiting blocks, so only non-real-time-callback
/// threads (the analysis loop between hops, consumers) wait.
public final class WakeSignal: @unchecked Sendable {
    private let semaphore: UnsafeMutablePointer<sem_t>

    public init() {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Real-time safe: never blocks or allocates.
    public func signal() { sem_post(semaphore) }

    /// Waits up to `seconds`; returns true when signalled, false on timeout.
    public func wait(timeout seconds: Double) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let nanoseconds = Int(seconds * 1e9) + deadline.tv_nsec
        deadline.tv_sec += nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        while sem_timedwait(semaphore, &deadline) != 0 {
            if errno != EINTR { return false }
        }
        return true
    }
}
