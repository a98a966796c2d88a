import Glibc
import Synchronization

/// SIGINT and SIGTERM set this flag, SIGHUP the other (atomic stores are async-signal-safe);
/// the main loop polls them.
let shutdownRequested = Atomic<Int32>(0)
let reloadRequested = Atomic<Bool>(false)

private func recordShutdownSignal(_ signal: Int32) {
    shutdownRequested.store(signal, ordering: .relaxed)
}

private func recordReloadSignal(_ signal: Int32) {
    reloadRequested.store(true, ordering: .relaxed)
}

enum ShutdownSignal {
    static func install() {
        signal(SIGINT, recordShutdownSignal)
        signal(SIGTERM, recordShutdownSignal)
        signal(SIGHUP, recordReloadSignal)
        signal(SIGPIPE, SIG_IGN)
    }

    static var received: Int32 { shutdownRequested.load(ordering: .relaxed) }

    /// True once per SIGHUP.
    static func takeReloadRequest() -> Bool { reloadRequested.exchange(false, ordering: .relaxed) }
}
