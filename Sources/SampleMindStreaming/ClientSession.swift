import SampleMindAnalysis
import SampleMindProtocol

/// One WebSocket subscriber, owned by the network thread.
final class ClientSession {
    enum Outgoing {
        case text([UInt8])
        case binary([UInt8])
    }

    let wsi: OpaquePointer
    let peer: String
    var subscription = Subscription()
    /// The sequence number of the last message sent.
    var sequence = 0
    /// Messages other than frames (hello, events, errors, pongs), oldest first, bounded.
    var queue: [[UInt8]] = []
    private var queueHead = 0
    /// The latest frame due for this client (latest wins), waiting to be written.
    var pendingFrame: (frame: FeatureFrame, wallClock: Double)?
    var pendingBinarySpectrum: [UInt8]?
    var lastFrameDueAt = 0.0
    var droppedFrames = 0
    var droppedMessages = 0
    /// When a write last succeeded, or the time data started waiting with none since.
    var lastProgressAt: Double
    var closing = false
    /// Token bucket for the message rate limit.
    var allowance: Double
    var lastMessageAt: Double
    var refusedForRate = 0
    /// A message being received in fragments.
    var incoming: [UInt8] = []
    var incomingIsBinary = false

    init(wsi: OpaquePointer, peer: String, now: Double, burst: Double) {
        self.wsi = wsi
        self.peer = peer
        lastProgressAt = now
        lastMessageAt = now
        allowance = burst
    }

    var hasOutgoing: Bool { queueHead < queue.count || pendingFrame != nil || pendingBinarySpectrum != nil }

    /// Queues a non-frame message; when the queue is full the oldest is dropped and counted.
    func enqueue(_ body: [UInt8], limit: Int) {
        if queue.count - queueHead >= limit {
            queueHead += 1
            droppedMessages += 1
        }
        queue.append(body)
        if queueHead > 64, queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    func dequeue() -> [UInt8]? {
        guard queueHead < queue.count else { return nil }
        defer { queueHead += 1 }
        return queue[queueHead]
    }

    /// Offers a new engine frame; returns true when it is due for this client's frame rate.
    func offer(_ frame: FeatureFrame, wallClock: Double, now: Double) -> Bool {
        // Frames fall due on a regular grid at the subscribed rate, so the average rate is exact
        // even though the engine's frames arrive in bursts; after a pause the grid restarts.
        let period = 1 / subscription.maximumFramesPerSecond
        guard now - lastFrameDueAt >= period else { return false }
        lastFrameDueAt = max(lastFrameDueAt + period, now - period)
        if pendingFrame != nil { droppedFrames += 1 }
        pendingFrame = (frame, wallClock)
        return true
    }

    /// Token bucket: true when the client may send another message now.
    func admitMessage(now: Double, rate: Double) -> Bool {
        allowance = min(2 * rate, allowance + (now - lastMessageAt) * rate)
        lastMessageAt = now
        guard allowance >= 1 else { return false }
        allowance -= 1
        return true
    }
}
