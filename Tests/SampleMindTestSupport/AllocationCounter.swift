import Glibc
import MallocInterposerSwift
import Synchronization

private let measuredThreadA = Atomic<UInt>(0)
private let measuredThreadB = Atomic<UInt>(0)
private let allocationsOnMeasuredThreads = Atomic<Int>(0)

/// Runs inside malloc on every thread while counting is on: count only the measured threads' calls.
private func countIfMeasuredThread(_ bytes: Int) {
    let current = pthread_self()
    if current == measuredThreadA.load(ordering: .relaxed) || current == measuredThreadB.load(ordering: .relaxed) {
        allocationsOnMeasuredThreads.add(1, ordering: .relaxed)
    }
}

/// Counts heap allocations made by the calling thread while `body` runs (malloc-interposer's
/// counters are process-wide, and the test runner's own threads allocate too).
public func countAllocations(_ body: () -> Void) -> Int {
    countAllocations(onThreads: pthread_self(), 0, during: body)
}

/// Counts heap allocations made by up to two other threads (pthread ids; 0 for none) while `body` runs.
public func countAllocations(onThreads first: pthread_t, _ second: pthread_t, during body: () -> Void) -> Int {
    measuredThreadA.store(first, ordering: .relaxed)
    measuredThreadB.store(second, ordering: .relaxed)
    allocationsOnMeasuredThreads.store(0, ordering: .relaxed)
    MallocInterposerSwift.setAllocationHook(countIfMeasuredThread)
    MallocInterposerSwift.initialize()
    MallocInterposerSwift.hook()
    body()
    MallocInterposerSwift.unhook()
    MallocInterposerSwift.setAllocationHook(nil)
    measuredThreadA.store(0, ordering: .relaxed)
    measuredThreadB.store(0, ordering: .relaxed)
    return allocationsOnMeasuredThreads.load(ordering: .relaxed)
}
