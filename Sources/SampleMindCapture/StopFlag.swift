import Glibc
import Synchronization

/// A stop request that a control thread can sleep on and be woken from at once.
final class StopFlag: @unchecked Sendable {
    private let stopped = Atomic<Bool>(false)

    var isSet: Bool { stopped.load(ordering: .acquiring) }

    func set() { stopped.store(true, ordering: .releasing) }

    /// Sleeps up to `seconds` in short steps; returns true when stop was requested meanwhile.
    func sleep(_ seconds: Double) -> Bool {
        var remaining = seconds
        while remaining > 0, !isSet {
            let step = min(remaining, 0.05)
            usleep(UInt32(step * 1e6))
            remaining -= step
        }
        return isSet
    }
}
