import Synchronization

/// Segments (their JSON) waiting for the broker: filled by the storage thread as segments are
/// stored, emptied by the publisher thread while connected. Bounded: when the broker has been
/// away so long that it is full, the oldest segment goes and is counted.
///
/// Not real-time safe (a lock); neither thread that uses it is real-time.
public final class SegmentBacklog: Sendable {
    public let capacity: Int
    /// Segments dropped because the backlog was full.
    public let dropped = Atomic<Int>(0)
    private let waiting = Mutex<[String]>([])

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { waiting.withLock { $0.count } }

    /// Storage thread: one stored segment's JSON (``SegmentJSON/event(_:)``).
    public func offer(_ json: String) {
        let overflow = waiting.withLock { list -> Int in
            list.append(json)
            let excess = list.count - capacity
            if excess > 0 { list.removeFirst(excess) }
            return max(0, excess)
        }
        if overflow > 0 { dropped.add(overflow, ordering: .relaxed) }
    }

    /// Publisher thread: everything waiting, oldest first.
    func takeAll() -> [String] {
        waiting.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    /// Publisher thread: puts back what could not be sent, ahead of anything newer.
    func putBack(_ unsent: [String]) {
        guard !unsent.isEmpty else { return }
        let overflow = waiting.withLock { list -> Int in
            list.insert(contentsOf: unsent, at: 0)
            let excess = list.count - capacity
            if excess > 0 { list.removeFirst(excess) }
            return max(0, excess)
        }
        if overflow > 0 { dropped.add(overflow, ordering: .relaxed) }
    }
}
