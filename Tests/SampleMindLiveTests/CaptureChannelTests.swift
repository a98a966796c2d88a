import SampleMindCapture
import SampleMindTestSupport
import XCTest

final class CaptureChannelTests: XCTestCase {
    /// `count` samples in a repeating pattern of music-like values and values that are not numbers or are infinite.
    private static func mixedBlock(count: Int) -> [Float] {
        (0..<count).map { i in [Float.nan, 0.25, .infinity, -0.5, -.infinity, 0.125, -Float.nan, Float.greatestFiniteMagnitude][i % 8] }
    }

    func testWrite_whenSamplesAreNaNOrInfinite_handsTheAnalysisZerosInTheirPlaceAndCountsThem() {
        // 600 samples twice through a ring of 1024, so the second write wraps around its end.
        let channel = CaptureChannel(ringSamples: 1_024)
        channel.startSession(sampleRate: 48_000, channels: 2)
        let block = Self.mixedBlock(count: 600)
        let expected = block.map { $0.isFinite ? $0 : 0 }
        var read = [Float](repeating: .nan, count: 600)
        for pass in 1...2 {
            block.withUnsafeBufferPointer { channel.write($0.baseAddress!, frames: 300) }
            XCTAssertTrue(read.withUnsafeMutableBufferPointer { channel.ring.read(into: $0.baseAddress!, count: 600) })
            XCTAssertEqual(read, expected, "pass \(pass): the finite samples unchanged, the others 0")
            XCTAssertEqual(channel.nonFiniteSamples.load(ordering: .relaxed), pass * 300, "4 in every 8 are counted")
        }
    }

    func testWrite_whenReplacingNonFiniteSamples_allocatesNothing() {
        let channel = CaptureChannel(ringSamples: 1 << 16)
        channel.startSession(sampleRate: 48_000, channels: 1)
        let block = UnsafeMutableBufferPointer<Float>.allocate(capacity: 256)
        defer { block.deallocate() }
        _ = block.initialize(from: Self.mixedBlock(count: 256))
        let base = UnsafePointer(block.baseAddress!)
        let allocations = countAllocations {
            for _ in 0..<100 { channel.write(base, frames: 256) }
        }
        XCTAssertEqual(allocations, 0, "heap allocations while writing 100 blocks")
        XCTAssertEqual(channel.nonFiniteSamples.load(ordering: .relaxed), 100 * 128)
    }
}
