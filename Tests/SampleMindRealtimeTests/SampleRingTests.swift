import SampleMindRealtime
import XCTest

final class SampleRingTests: XCTestCase {
    func testInit_whenCapacityIsNotAPowerOfTwo_roundsItUp() {
        XCTAssertEqual(SampleRing(minimumCapacity: 5_000).capacity, 8_192)
        XCTAssertEqual(SampleRing(minimumCapacity: 4_097).capacity, 8_192)
        XCTAssertEqual(SampleRing(minimumCapacity: 4_096).capacity, 4_096)
    }

    func testInit_whenCapacityIsZeroOrNegative_stillMakesAUsableRing() {
        for minimum in [0, -1, -4_096] {
            let ring = SampleRing(minimumCapacity: minimum)
            XCTAssertGreaterThan(ring.capacity, 0)
            XCTAssertEqual(ring.capacity & (ring.capacity - 1), 0, "a power of two")
            XCTAssertEqual(ring.freeSpace, ring.capacity)
        }
    }

    func testWriteAndRead_whenCrossingTheEndManyTimes_returnExactlyWhatWasWritten() {
        let ring = SampleRing(minimumCapacity: 1_024)
        // Neither size divides the capacity, so the copies split at ever-changing offsets; after the
        // reads fewer than 333 samples wait, so the next 600 always fit.
        let writeSize = 600, readSize = 333
        var written = 0, read = 0
        var source = [Float](repeating: 0, count: writeSize)
        var destination = [Float](repeating: 0, count: readSize)
        while read < 50 * ring.capacity {
            for i in 0..<writeSize { source[i] = Float(written + i) }
            XCTAssertEqual(ring.write(source, count: writeSize), 0, "written, nothing replaced")
            written += writeSize
            while ring.available >= readSize {
                XCTAssertTrue(ring.read(into: &destination, count: readSize))
                XCTAssertEqual(destination, (read..<(read + readSize)).map(Float.init), "samples \(read)…")
                read += readSize
            }
        }
        XCTAssertEqual(ring.writePosition, written)
        XCTAssertEqual(ring.readPosition, read)
        XCTAssertEqual(ring.available, written - read)
    }

    func testWrite_whenSamplesDoNotFit_refusesThemAllAndKeepsTheOldData() {
        let ring = SampleRing(minimumCapacity: 1_024)
        let old = (0..<1_000).map(Float.init)
        XCTAssertEqual(ring.write(old, count: old.count), 0)
        let new = [Float](repeating: -1, count: ring.freeSpace + 1)
        XCTAssertNil(ring.write(new, count: new.count), "one sample too many: an overrun")
        XCTAssertEqual(ring.writePosition, old.count, "nothing of the refused block was written")
        var out = [Float](repeating: 0, count: old.count)
        XCTAssertTrue(ring.read(into: &out, count: out.count))
        XCTAssertEqual(out, old)
        XCTAssertEqual(ring.available, 0)
    }

    func testWrite_whenBlockIsLargerThanTheRing_refusesItEvenWhenEmpty() {
        let ring = SampleRing(minimumCapacity: 1_024)
        let block = [Float](repeating: 1, count: ring.capacity + 1)
        XCTAssertNil(ring.write(block, count: block.count))
        XCTAssertEqual(ring.write(block, count: ring.capacity), 0, "exactly the capacity fits")
        XCTAssertEqual(ring.freeSpace, 0)
    }

    func testWrite_whenSamplesAreNaNOrInfinite_storesZeroInsteadAndCountsThem() {
        let ring = SampleRing(minimumCapacity: 1_024)
        let samples: [Float] = [1, .nan, .infinity, -.infinity, .signalingNaN, .greatestFiniteMagnitude, -.leastNonzeroMagnitude]
        XCTAssertEqual(ring.write(samples, count: samples.count), 4)
        var out = [Float](repeating: 9, count: samples.count)
        XCTAssertTrue(ring.read(into: &out, count: out.count))
        XCTAssertEqual(out, [1, 0, 0, 0, 0, .greatestFiniteMagnitude, -.leastNonzeroMagnitude], "finite samples pass unchanged")
    }

    func testWrite_whenNonFiniteSamplesStraddleTheEnd_replacesThemOnBothSides() {
        let ring = SampleRing(minimumCapacity: 1_024)
        var scratch = [Float](repeating: 0, count: ring.capacity - 2)
        XCTAssertEqual(ring.write(scratch, count: scratch.count), 0)
        XCTAssertTrue(ring.read(into: &scratch, count: scratch.count))
        let samples: [Float] = [.nan, 1, .infinity, .nan]
        XCTAssertEqual(ring.write(samples, count: samples.count), 3, "two before the end, two after")
        var out = [Float](repeating: 9, count: samples.count)
        XCTAssertTrue(ring.read(into: &out, count: out.count))
        XCTAssertEqual(out, [0, 1, 0, 0])
    }

    func testRead_whenFewerSamplesAreAvailable_returnsFalseAndTouchesNothing() {
        let ring = SampleRing(minimumCapacity: 1_024)
        XCTAssertEqual(ring.write([1, 2, 3], count: 3), 0)
        var out: [Float] = [9, 9, 9, 9]
        XCTAssertFalse(ring.read(into: &out, count: 4))
        XCTAssertEqual(out, [9, 9, 9, 9])
        XCTAssertEqual(ring.readPosition, 0)
        XCTAssertEqual(ring.available, 3)
    }

    func testDiscard_skipsAtMostWhatIsAvailable() {
        let ring = SampleRing(minimumCapacity: 1_024)
        XCTAssertEqual(ring.write([1, 2, 3, 4, 5], count: 5), 0)
        ring.discard(2)
        var out: [Float] = [0]
        XCTAssertTrue(ring.read(into: &out, count: 1))
        XCTAssertEqual(out, [3], "the two oldest were skipped")
        ring.discard(100)
        XCTAssertEqual(ring.available, 0)
        XCTAssertEqual(ring.readPosition, 5, "skipping stops at the writer")
        XCTAssertEqual(ring.freeSpace, ring.capacity)
    }

    /// One writer that waits for room and one reader, 3.2 million numbered samples in blocks of
    /// 64: every sample must arrive, once and in order. The reader often waits for the writer, so
    /// it reads blocks the moment they are published (where a publish before the copy would show).
    func testWriteAndRead_whenTheWriterWaitsForRoomOnAnotherThread_everySampleArrivesInOrder() {
        let ring = SampleRing(minimumCapacity: 1_024)
        let blockSize = 64, sampleCount = 3_200_000
        let deadline = Deadline.stressTest
        var received = 0, wrongSamples = 0
        runOnTwoThreads({
            var block = [Float](repeating: 0, count: blockSize)
            var spin = SpinWait()
            for start in stride(from: 0, to: sampleCount, by: blockSize) {
                for i in 0..<blockSize { block[i] = Float(start + i) }
                while ring.write(block, count: blockSize) == nil {
                    if deadline.hasPassed { return }
                    spin.pause()
                }
            }
        }, {
            var block = [Float](repeating: 0, count: blockSize)
            var spin = SpinWait()
            while received < sampleCount {
                guard ring.read(into: &block, count: blockSize) else {
                    if deadline.hasPassed { return }
                    spin.pause()
                    continue
                }
                for i in 0..<blockSize where block[i] != Float(received + i) { wrongSamples += 1 }
                received += blockSize
            }
        })
        XCTAssertFalse(deadline.hasPassed, "finished in time")
        XCTAssertEqual(received, sampleCount)
        XCTAssertEqual(wrongSamples, 0)
        XCTAssertEqual(ring.available, 0, "nothing more than was written")
    }

    /// One writer and one reader thread, 3.2 million numbered samples in blocks of 64. Like a
    /// capture callback, the writer never waits for a block: one that does not fit is refused and
    /// counted (it only waits for room before the next one, so most blocks pass). The reader stops
    /// every 1000 blocks until the ring is full, so overruns surely happen. Every block must
    /// arrive whole and in order, or have been refused.
    func testWrite_whenWriterOutrunsTheReaderOnAnotherThread_eachBlockArrivesWholeInOrderOrIsCounted() {
        let ring = SampleRing(minimumCapacity: 1_024)
        // Sample values stay below 2^24, so they are exact as Float.
        let blockSize = 64, blockCount = 50_000
        let deadline = Deadline.stressTest
        let writerDone = Flag()
        var overruns = 0
        var received = 0, missing = 0, wrongBlocks = 0, expected = 0
        runOnTwoThreads({
            var block = [Float](repeating: 0, count: blockSize)
            var spin = SpinWait()
            for number in 0..<blockCount {
                for i in 0..<blockSize { block[i] = Float(number * blockSize + i) }
                if ring.write(block, count: blockSize) != nil { continue }
                overruns += 1
                while ring.freeSpace < blockSize, !deadline.hasPassed { spin.pause() }
            }
            writerDone.raise()
        }, {
            var block = [Float](repeating: 0, count: blockSize)
            var spin = SpinWait()
            while !deadline.hasPassed {
                let finished = writerDone.isRaised
                guard ring.read(into: &block, count: blockSize) else {
                    if finished { break }
                    spin.pause()
                    continue
                }
                let number = Int(block[0]) / blockSize
                if number < expected || (0..<blockSize).contains(where: { block[$0] != Float(number * blockSize + $0) }) {
                    wrongBlocks += 1
                }
                missing += number - expected
                expected = number + 1
                received += 1
                if received % 1_000 == 0 {
                    while ring.available < ring.capacity, !writerDone.isRaised, !deadline.hasPassed { spin.pause() }
                }
            }
        })
        XCTAssertFalse(deadline.hasPassed, "finished in time")
        XCTAssertEqual(wrongBlocks, 0, "blocks torn, repeated or out of order")
        XCTAssertGreaterThan(overruns, 0, "the reader's pauses must force overruns")
        XCTAssertEqual(missing + (blockCount - expected), overruns, "every block missing at the reader was refused")
        XCTAssertEqual(received + overruns, blockCount)
    }
}
