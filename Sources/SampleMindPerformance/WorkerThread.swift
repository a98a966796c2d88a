import Glibc
import SampleMindRealtime
import Synchronization

/// The thread each performer output runs on: started once, asked to stop, joined.
final class WorkerThread: @unchecked Sendable {
    private let stopping = Atomic<Bool>(false)
    private var thread: pthread_t?

    /// True once ``stop(waking:)`` was called: the body's loop should end.
    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    func start(_ body: @escaping () -> Void) {
        thread = RealtimeThread.start(priority: nil, onScheduling: { _ in }, body)
    }

    /// Asks the body to end, wakes it if it waits on `wake`, and waits for it.
    func stop(waking wake: WakeSignal? = nil) {
        stopping.store(true, ordering: .releasing)
        wake?.signal()
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }
}
