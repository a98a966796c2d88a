import SampleMindRealtime
import XCTest

final class SPSCQueueTests: XCTestCase {
    func testInit_whenCapacityIsNotAPowerOfTwo_roundsItUp() {
        XCTAssertEqual(SPSCQueue<Int>(minimumCapacity: 3, filler: 0).capacity, 4)
        XCTAssertEqual(SPSCQueue<Int>(minimumCapacity: 1_000, filler: 0).capacity, 1_024)
        XCTAssertEqual(SPSCQueue<Int>(minimumCapacity: 64, filler: 0).capacity, 64)
    }

    func testInit_whenCapacityIsZeroOrNegative_stillHoldsAtLeastOneElement() {
        for minimum in [0, 1, -5] {
            let queue = SPSCQueue<Int>(minimumCapacity: minimum, filler: 0)
            XCTAssertTrue(queue.push(7))
            XCTAssertEqual(queue.pop(), 7)
        }
    }

    func testPush_whenQueueIsFull_refusesTheElementAndKeepsTheQueuedOnes() {
        let queue = SPSCQueue<Int>(minimumCapacity: 4, filler: -1)
        for value in 1...4 { XCTAssertTrue(queue.push(value)) }
        XCTAssertFalse(queue.push(5), "full: refused, never blocks")
        XCTAssertEqual(queue.count, 4)
        XCTAssertEqual((0..<4).compactMap { _ in queue.pop() }, [1, 2, 3, 4])
        XCTAssertTrue(queue.push(6), "room again once popped")
    }

    func testPop_whenQueueIsEmpty_returnsNil() {
        let queue = SPSCQueue<Int>(minimumCapacity: 4, filler: -1)
        XCTAssertNil(queue.pop())
        XCTAssertNil(queue.peek())
        queue.push(1)
        XCTAssertEqual(queue.pop(), 1)
        XCTAssertNil(queue.pop(), "the filler is never handed out")
    }

    func testPeek_returnsTheOldestWithoutRemovingIt() {
        let queue = SPSCQueue<Int>(minimumCapacity: 4, filler: -1)
        queue.push(1)
        queue.push(2)
        XCTAssertEqual(queue.peek(), 1)
        XCTAssertEqual(queue.peek(), 1)
        XCTAssertEqual(queue.count, 2)
        XCTAssertEqual(queue.pop(), 1)
        XCTAssertEqual(queue.peek(), 2)
    }

    func testPushAndPop_whenCrossingTheEndManyTimes_keepOrder() {
        let queue = SPSCQueue<Int>(minimumCapacity: 8, filler: -1)
        var next = 0, expected = 0
        for round in 0..<1_000 {
            // 1 to 8 in, fewer out: the fill level wanders and the indices wrap at every offset.
            for _ in 0..<(round % 8 + 1) {
                if queue.push(next) { next += 1 }
            }
            for _ in 0..<(round % 5 + 1) {
                guard let value = queue.pop() else { break }
                XCTAssertEqual(value, expected)
                expected += 1
            }
        }
        XCTAssertGreaterThan(expected, 100 * queue.capacity)
    }

    /// A producer that retries a refused push: every item must arrive, once and in order.
    func testPushAndPop_whenProducerRetriesOnAnotherThread_deliverEveryItemInOrder() {
        let queue = SPSCQueue<Int>(minimumCapacity: 1_024, filler: -1)
        let itemCount = 4_000_000
        let deadline = Deadline.stressTest
        var refusals = 0, received = 0, outOfOrder = 0
        runOnTwoThreads({
            var spin = SpinWait()
            for item in 0..<itemCount {
                while !queue.push(item) {
                    refusals += 1
                    if refusals % 1_024 == 0, deadline.hasPassed { return }
                    spin.pause()
                }
            }
        }, {
            var spin = SpinWait()
            while received < itemCount {
                guard let item = queue.pop() else {
                    if deadline.hasPassed { return }
                    spin.pause()
                    continue
                }
                if item != received { outOfOrder += 1 }
                received += 1
            }
        })
        XCTAssertFalse(deadline.hasPassed, "finished in time")
        XCTAssertEqual(received, itemCount)
        XCTAssertEqual(outOfOrder, 0)
        XCTAssertNil(queue.pop(), "nothing more than was pushed")
    }

    /// A producer that never waits for an item (as the design asks): a full queue drops it and the
    /// producer counts (it only waits for room before the next one, so most items pass). The
    /// consumer stops every 10,000 items until the queue is full, so drops surely happen.
    func testPush_whenConsumerFallsBehind_dropsAreCountedAndTheRestArriveInOrder() {
        let queue = SPSCQueue<Int>(minimumCapacity: 64, filler: -1)
        let itemCount = 4_000_000
        let deadline = Deadline.stressTest
        let producerDone = Flag()
        var dropped = 0
        var received = 0, missing = 0, outOfOrder = 0, expected = 0
        runOnTwoThreads({
            var spin = SpinWait()
            for item in 0..<itemCount {
                if queue.push(item) { continue }
                dropped += 1
                while queue.count == queue.capacity, !deadline.hasPassed { spin.pause() }
            }
            producerDone.raise()
        }, {
            var spin = SpinWait()
            while !deadline.hasPassed {
                let finished = producerDone.isRaised
                guard let item = queue.pop() else {
                    if finished { break }
                    spin.pause()
                    continue
                }
                if item < expected { outOfOrder += 1 }
                missing += item - expected
                expected = item + 1
                received += 1
                if received % 10_000 == 0 {
                    while queue.count < queue.capacity, !producerDone.isRaised, !deadline.hasPassed { spin.pause() }
                }
            }
        })
        XCTAssertFalse(deadline.hasPassed, "finished in time")
        XCTAssertEqual(outOfOrder, 0)
        XCTAssertGreaterThan(dropped, 0, "the consumer's pauses must force drops")
        XCTAssertEqual(missing + (itemCount - expected), dropped, "every item missing at the consumer was dropped")
        XCTAssertEqual(received + dropped, itemCount)
    }
}
