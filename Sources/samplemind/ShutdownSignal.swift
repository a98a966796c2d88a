import Glibc
import Synchronization

/// SIGINT and SIGTERM set this flag (an atomic store is async-signal-safe); the main loop polls it.
let shutdownRequested = Atomic<Int32>(0)

private func recordShutdownSignal(_ signal: Int32) {
    shutdownRequested.store(signal, ordering: .relaxed)
}

enum ShutdownSignal {
    static func install() {
        signal(SIGINT, recordShutdownSignal)
        signal(SIGTERM, recordShutdownSignal)
        signal(SIGPIPE, SIG_IGN)
    }

    static var received: Int32 { shutdownRequested.load(ordering: .relaxed) }
}
