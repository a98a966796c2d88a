import SampleMindRealtime
import Synchronization

/// The state of the connection to the broker, written by libmosquitto's network thread (through
/// ``MQTTCallbacks``) and read by the publisher thread and the status report.
///
/// Not real-time safe, and never used on the real-time path: the network thread, the publisher
/// thread and the HTTP thread share it through atomics and one small lock.
public final class MQTTLink: Sendable {
    /// True between a CONNACK that accepted us and the next disconnection.
    public let connected = Atomic<Bool>(false)
    /// Accepted connections so far (the first one included).
    public let connections = Atomic<Int>(0)
    /// The broker's last refusal (CONNACK return code or MQTT 5 reason code); 0 once accepted.
    public let refusal = Atomic<Int32>(0)
    /// Woken on every change, so the publisher acts at once.
    let wake: WakeSignal
    /// The last error libmosquitto logged (a TLS handshake that failed, a name not found).
    private let lastError = Mutex<String?>(nil)

    init(wake: WakeSignal) { self.wake = wake }

    public var lastLoggedError: String? { lastError.withLock { $0 } }

    func accepted() {
        refusal.store(0, ordering: .relaxed)
        lastError.withLock { $0 = nil }
        connections.add(1, ordering: .relaxed)
        connected.store(true, ordering: .releasing)
        wake.signal()
    }

    func refused(code: Int32) {
        refusal.store(code, ordering: .relaxed)
        connected.store(false, ordering: .releasing)
        wake.signal()
    }

    func lost() {
        connected.store(false, ordering: .releasing)
        wake.signal()
    }

    func logged(error: String) {
        lastError.withLock { $0 = error }
    }
}
