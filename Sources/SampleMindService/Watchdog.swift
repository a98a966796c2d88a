/// Feeds systemd's watchdog only while the analysis thread's heartbeat advances, so a hung
/// analysis gets the service restarted while an idle one (waiting for input, still beating) does not.
public struct Watchdog {
    private let notifier: SystemdNotifier
    private let interval: Double
    private var lastPing = -Double.infinity
    private var lastHeartbeat = -1

    /// Nil when systemd asked for no watchdog.
    public init?(notifier: SystemdNotifier) {
        guard let interval = notifier.watchdogInterval else { return nil }
        self.notifier = notifier
        self.interval = interval
    }

    /// Call often (every few tens of milliseconds) with the current heartbeat and clock.
    public mutating func check(heartbeat: Int, now: Double) {
        guard now - lastPing >= interval, heartbeat != lastHeartbeat else { return }
        lastPing = now
        lastHeartbeat = heartbeat
        notifier.notify("WATCHDOG=1")
    }
}
