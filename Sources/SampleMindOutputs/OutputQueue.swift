import SampleMindRealtime
import Synchronization

/// One consumer's bounded queue from the analysis thread. When the consumer falls behind, the
/// analysis drops what does not fit and counts it; it never waits.
public final class OutputQueue: @unchecked Sendable {
    public let name: String
    package let queue: SPSCQueue<EngineOutput>
    /// Signalled after each hop's outputs are pushed, for a consumer that waits.
    public let wake = WakeSignal()
    public let droppedFrames = Atomic<Int>(0)
    public let droppedEvents = Atomic<Int>(0)
    /// Called on the analysis thread after pushing (e.g. libwebsockets' lws_cancel_service): must
    /// not block or allocate.
    package let notify: (@Sendable () -> Void)?

    package init(name: String, capacity: Int, notify: (@Sendable () -> Void)?) {
        self.name = name
        self.notify = notify
        queue = SPSCQueue(minimumCapacity: capacity,
                          filler: .discontinuity(timeSeconds: 0, gapSeconds: 0, wallClockSeconds: 0))
    }

    /// Consumer side: the next output, if any.
    public func pop() -> EngineOutput? { queue.pop() }

    /// Analysis thread. Real-time safe: no allocation, locks or system calls.
    package func push(_ output: EngineOutput) {
        guard !queue.push(output) else { return }
        if case .frame = output {
            droppedFrames.add(1, ordering: .relaxed)
        } else {
            droppedEvents.add(1, ordering: .relaxed)
        }
    }
}
