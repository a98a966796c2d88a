import Glibc

/// Starts a thread that asks for real-time scheduling (SCHED_FIFO) and reports whether it got it.
public enum RealtimeThread {
    /// What the scheduler granted.
    public enum Scheduling: Sendable, Equatable {
        case realtime(priority: Int32)
        /// Refused (no CAP_SYS_NICE or RLIMIT_RTPRIO): the thread runs at normal priority.
        case normal(reason: String)
    }

    private final class Start {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Runs `body` on a new thread. With `priority` (1…99) it first asks for SCHED_FIFO at that
    /// priority; `onScheduling` is called on the new thread with the outcome before `body` runs.
    /// Not real-time safe: call during set-up.
    public static func start(
        priority: Int32?, onScheduling: @escaping (Scheduling) -> Void = { _ in },
        _ body: @escaping () -> Void
    ) -> pthread_t? {
        let start = Start {
            onScheduling(requestRealtime(priority))
            body()
        }
        var thread = pthread_t()
        let context = Unmanaged.passRetained(start).toOpaque()
        guard pthread_create(&thread, nil, runThread, context) == 0 else {
            Unmanaged<Start>.fromOpaque(context).release()
            return nil
        }
        return thread
    }

    private static func requestRealtime(_ priority: Int32?) -> Scheduling {
        guard let priority else { return .normal(reason: "real-time scheduling not requested") }
        var parameters = sched_param(sched_priority: priority)
        let result = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
        guard result == 0 else {
            return .normal(reason: String(cString: strerror(result)))
        }
        return .realtime(priority: priority)
    }

    private static let runThread: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { context in
        let start = Unmanaged<Start>.fromOpaque(context!).takeRetainedValue()
        start.body()
        return nil
    }

    /// Locks the process's memory so the real-time path never waits for a page fault.
    /// Returns nil on success or the reason it was refused.
    public static func lockMemory() -> String? {
        mlockall(MCL_CURRENT | MCL_FUTURE) == 0 ? nil : String(cString: strerror(errno))
    }
}
