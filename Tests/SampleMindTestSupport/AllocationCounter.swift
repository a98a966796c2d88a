import Glibc
import MallocInterposerSwift
import Synchronization

private let measuredThread = Atomic<UInt>(0)
private let allocationsOnMeasuredThread = Atomic<Int>(0)

/// Runs inside malloc on every thread while counting is on: count only the measured thread's calls.
private func countIfMeasuredThread(_ bytes: Int) {
    if pthread_self() == measuredThread.load(ordering: .relaxed) {
        allocationsOnMeasuredThread.add(1, ordering: .relaxed)
    }
}

/// Counts heap allocations made by the calling thread while `body` runs (malloc-interposer's
/// counters are process-wide, and the test runner's own threads allocate too).
public func countAllocations(_ body: () -> Void) -> Int {
    measuredThread.store(pthread_self(), ordering: .relaxed)
    allocationsOnMeasuredThread.store(0, ordering: .relaxed)
    MallocInterposerSwift.setAllocationHook(countIfMeasuredThread)
    MallocInterposerSwift.initialize()
    MallocInterposerSwift.hook()
    body()
    MallocInterposerSwift.unhook()
    MallocInterposerSwift.setAllocationHook(nil)
    measuredThread.store(0, ordering: .relaxed)
    return allocationsOnMeasuredThread.load(ordering: .relaxed)
}
