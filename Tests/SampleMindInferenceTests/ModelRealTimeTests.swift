import Foundation
import SampleMindInference
import SampleMindTestSupport
import XCTest

final class ModelRealTimeTests: XCTestCase {
    /// Every kind of layer, so each one's forward and reset are on the measured path.
    private func modelOfEveryKind() throws -> Model {
        var weights = TestWeights(seed: 1)
        return try Model(layers: [
            .causalConv1D(try weights.causalConv1D(24, 32, kernel: 3, dilation: 1, .elu)),
            .batchNorm(try BatchNorm(size: 32, scale: weights.uniform(32, bound: 2), shift: weights.uniform(32, bound: 1))),
            .causalConv1D(try weights.causalConv1D(32, 32, kernel: 3, dilation: 4, .relu)),
            try weights.gru(32, 40),
            .layerNorm(try LayerNorm(size: 40, gamma: weights.uniform(40, bound: 2), beta: weights.uniform(40, bound: 1))),
            try weights.dense(40, 20, .tanh),
            try weights.dense(20, 5, .softmax),
        ])
    }

    func testForwardAndReset_afterWarmUp_neverAllocateOverTenThousandFrames() throws {
        let model = try modelOfEveryKind()
        var weights = TestWeights(seed: 2)
        let frames = weights.uniform(100 * model.inputSize, bound: 1)
        let sanity = countAllocations { XCTAssertGreaterThan([Int](repeating: 1, count: Int.random(in: 10...20)).count, 0) }
        XCTAssertGreaterThan(sanity, 0, "the counter must see an allocation, or a zero below proves nothing")
        var checksum: Float = 0
        frames.withUnsafeBufferPointer { all in
            let size = model.inputSize
            for t in 0..<10 { checksum += model.forward(UnsafeBufferPointer(rebasing: all[(t * size)..<((t + 1) * size)]))[0] }
            let allocations = countAllocations {
                for t in 0..<10_000 {
                    if t % 1000 == 999 { model.reset() }
                    let start = t % 100 * size
                    checksum += model.forward(UnsafeBufferPointer(rebasing: all[start..<(start + size)]))[0]
                }
            }
            XCTAssertEqual(allocations, 0, "\(allocations) heap allocations over 10000 frames")
        }
        XCTAssertTrue(checksum.isFinite)
    }

    /// For the record, not a pass mark: the time of one frame of a network the size of a beat and
    /// downbeat tracker (DESIGN.md expects tens of microseconds per hop).
    func testForward_ofABeatTrackerSizedModel_printsTheTimePerFrame() throws {
        var weights = TestWeights(seed: 9)
        let model = try Model(layers: [
            .causalConv1D(try weights.causalConv1D(144, 128, kernel: 5, dilation: 1, .elu)),
            .causalConv1D(try weights.causalConv1D(128, 128, kernel: 3, dilation: 2, .elu)),
            try weights.gru(128, 128),
            try weights.dense(128, 64, .relu),
            try weights.dense(64, 3, .sigmoid),
        ])
        let frames = weights.uniform(64 * model.inputSize, bound: 1)
        var perFrame: [Double] = []
        var checksum: Float = 0
        frames.withUnsafeBufferPointer { all in
            for round in 0..<6 {
                let clock = ContinuousClock()
                let elapsed = clock.measure {
                    for t in 0..<1000 {
                        let start = t % 64 * model.inputSize
                        checksum += model.forward(UnsafeBufferPointer(rebasing: all[start..<(start + model.inputSize)]))[0]
                    }
                }
                // The first round warms caches and is not counted.
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                if round > 0 { perFrame.append(seconds / 1000 * 1e6) }
            }
        }
        XCTAssertTrue(checksum.isFinite)
        #if DEBUG
        let build = "debug build (the library itself is always built with -O)"
        #else
        let build = "release build"
        #endif
        let best = String(format: "%.1f", perFrame.min()!), median = String(format: "%.1f", perFrame.sorted()[perFrame.count / 2])
        print("Model.forward, 2 causal convolutions + GRU(128) + 2 dense, \(model.parameterCount) parameters: "
            + "best \(best) µs, median \(median) µs per frame; \(build)")
    }
}
