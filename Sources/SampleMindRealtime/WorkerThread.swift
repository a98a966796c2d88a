import Glibc
import Synchronization

/// The thread each sender and writer runs on (OSC, the MIDI clock's driver, the storage writer,
/// the stream server): started once, asked to stop, joined. Normal scheduling.
///
/// Not real-time safe: start and stop during set-up and shut-down.
public final class WorkerThread: @unchecked Sendable {
    private let stopping = Atomic<Bool>(false)
    private var thread: pthread_t?

    /// True once ``stop(waking:)`` was called: the body's loop should end.
    public var isStopping: Bool { stopping.load(ordering: .acquiring) }

    public init() {}

    public func start(_ body: @escaping () -> Void) {
        thread = RealtimeThread.start(priority: nil, onScheduling: { _ in }, body)
    }

    /// Asks the body to end, wakes it if it waits on `wake`, and waits for it.
    public func stop(waking wake: WakeSignal? = nil) {
        stop { wake?.signal() }
    }

    /// Asks the body to end, runs `wake` (which makes a blocking wait in the body return), and
    /// waits for it.
    public func stop(wakingWith wake: () -> Void) {
        stopping.store(true, ordering: .releasing)
        wake()
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }
}
