import Synchronization

/// A bounded lock-free queue of trivial values for one producer thread and one consumer thread.
/// A full queue refuses the push (the producer counts the drop); it never blocks.
public final class SPSCQueue<Element: BitwiseCopyable>: @unchecked Sendable {
    public let capacity: Int
    private let mask: Int
    private let slots: UnsafeMutablePointer<Element>
    private let pushed = Atomic<Int>(0)
    private let popped = Atomic<Int>(0)

    /// Not real-time safe: allocates. `minimumCapacity` is rounded up to a power of two.
    public init(minimumCapacity: Int, filler: Element) {
        var size = 2
        while size < minimumCapacity { size <<= 1 }
        capacity = size
        mask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(repeating: filler, count: size)
    }

    deinit { slots.deallocate() }

    /// Producer side. Returns false when full. Real-time safe: no allocation, locks or system calls.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        let tail = pushed.load(ordering: .relaxed)
        guard tail - popped.load(ordering: .acquiring) < capacity else { return false }
        slots[tail & mask] = element
        pushed.store(tail + 1, ordering: .releasing)
        return true
    }

    /// Consumer side: the oldest element, if any. Real-time safe.
    public func pop() -> Element? {
        let head = popped.load(ordering: .relaxed)
        guard head < pushed.load(ordering: .acquiring) else { return nil }
        let element = slots[head & mask]
        popped.store(head + 1, ordering: .releasing)
        return element
    }

    /// Consumer side: the oldest element without removing it. Real-time safe.
    public func peek() -> Element? {
        let head = popped.load(ordering: .relaxed)
        guard head < pushed.load(ordering: .acquiring) else { return nil }
        return slots[head & mask]
    }

    /// Elements waiting; exact on either side for its own end, approximate for the other.
    public var count: Int { pushed.load(ordering: .acquiring) - popped.load(ordering: .acquiring) }
}
