import Synchronization

/// A lock-free ring of float samples for exactly one writer thread and one reader thread
/// (after JACK's ringbuffer: power-of-two capacity with a mask; the writer publishes with a
/// release store after copying, the reader acquires before copying out). Every sample the reader
/// gets is finite: NaN and infinities are replaced by 0 on the way in.
///
/// Contract: only one thread calls the write side (``write(_:count:)``, ``freeSpace``) and only
/// one thread calls the read side (``read(into:count:)``, ``available``, ``discard(_:)``) at a time.
public final class SampleRing: @unchecked Sendable {
    public let capacity: Int
    private let mask: Int
    private let storage: UnsafeMutablePointer<Float>
    /// Total samples ever written and read; their difference is the fill level.
    private let written = Atomic<Int>(0)
    private let consumed = Atomic<Int>(0)

    /// Not real-time safe: allocates. `minimumCapacity` is rounded up to a power of two.
    public init(minimumCapacity: Int) {
        var size = 1024
        while size < minimumCapacity { size <<= 1 }
        capacity = size
        mask = size - 1
        storage = .allocate(capacity: size)
        storage.initialize(repeating: 0, count: size)
    }

    deinit { storage.deallocate() }

    /// Samples written so far (the writer's position). Either side may read it.
    public var writePosition: Int { written.load(ordering: .acquiring) }
    /// Samples read so far (the reader's position).
    public var readPosition: Int { consumed.load(ordering: .acquiring) }

    /// Writer side. Real-time safe: no allocation, locks or system calls.
    public var freeSpace: Int {
        capacity - (written.load(ordering: .relaxed) - consumed.load(ordering: .acquiring))
    }

    /// Writes all `count` samples, with any that are NaN or infinite replaced by 0 before the reader
    /// can see them, and returns how many were replaced; writes nothing and returns nil when they do
    /// not fit (an overrun). The replacement happens in the ring, so no copy of the caller's samples is needed.
    /// Writer side. Real-time safe: no allocation, locks or system calls.
    @discardableResult
    public func write(_ samples: UnsafePointer<Float>, count: Int) -> Int? {
        guard count <= freeSpace else { return nil }
        let start = written.load(ordering: .relaxed)
        let offset = start & mask
        let first = min(count, capacity - offset)
        (storage + offset).update(from: samples, count: first)
        var replaced = UnsafeMutableBufferPointer(start: storage + offset, count: first).replaceNonFiniteWithZero()
        if first < count {
            storage.update(from: samples + first, count: count - first)
            replaced += UnsafeMutableBufferPointer(start: storage, count: count - first).replaceNonFiniteWithZero()
        }
        written.store(start + count, ordering: .releasing)
        return replaced
    }

    /// Reader side. Real-time safe: no allocation, locks or system calls.
    public var available: Int {
        written.load(ordering: .acquiring) - consumed.load(ordering: .relaxed)
    }

    /// Reads exactly `count` samples into `destination` if that many are there (returns false otherwise).
    /// Reader side. Real-time safe: no allocation, locks or system calls.
    public func read(into destination: UnsafeMutablePointer<Float>, count: Int) -> Bool {
        guard count <= available else { return false }
        let start = consumed.load(ordering: .relaxed)
        let offset = start & mask
        let first = min(count, capacity - offset)
        destination.update(from: storage + offset, count: first)
        if first < count { (destination + first).update(from: storage, count: count - first) }
        consumed.store(start + count, ordering: .releasing)
        return true
    }

    /// Skips up to `count` samples. Reader side. Real-time safe.
    public func discard(_ count: Int) {
        let skipped = min(count, available)
        consumed.store(consumed.load(ordering: .relaxed) + skipped, ordering: .releasing)
    }
}
