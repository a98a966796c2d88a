import Synchronization

/// The analysis thread's health, readable from any thread without locks.
public final class EngineCounters: @unchecked Sendable {
    /// Advances on every pass of the analysis loop, including idle waits (at least 20 times a second).
    public let heartbeat = Atomic<Int>(0)
    public let blocks = Atomic<Int>(0)
    public let analysisNanosecondsTotal = Atomic<Int>(0)
    public let analysisNanosecondsMax = Atomic<Int>(0)
    /// Hand-over latency: from the write that completed a hop to its outputs being queued.
    public let handoverNanosecondsTotal = Atomic<Int>(0)
    public let handoverNanosecondsMax = Atomic<Int>(0)
    public let handoverSamples = Atomic<Int>(0)
    public let discontinuities = Atomic<Int>(0)
    /// Samples thrown away at the end of a session that did not fill a whole hop.
    public let discardedSamples = Atomic<Int>(0)
    /// Histogram of hand-over latency in 25 µs bins up to 25 ms (the last bin holds everything
    /// longer). Written only by the analysis thread; read it after the engine has stopped.
    public static let latencyBinNanoseconds = 25_000
    public static let latencyBinCount = 1_000
    let latencyBins: UnsafeMutablePointer<Int>

    init() {
        latencyBins = .allocate(capacity: Self.latencyBinCount)
        latencyBins.initialize(repeating: 0, count: Self.latencyBinCount)
    }

    deinit { latencyBins.deallocate() }

    /// Analysis thread. Real-time safe.
    func recordAnalysis(nanoseconds: Int) {
        blocks.add(1, ordering: .relaxed)
        analysisNanosecondsTotal.add(nanoseconds, ordering: .relaxed)
        if nanoseconds > analysisNanosecondsMax.load(ordering: .relaxed) {
            analysisNanosecondsMax.store(nanoseconds, ordering: .relaxed)
        }
    }

    /// Analysis thread. Real-time safe.
    func recordHandover(nanoseconds: Int) {
        handoverSamples.add(1, ordering: .relaxed)
        handoverNanosecondsTotal.add(nanoseconds, ordering: .relaxed)
        if nanoseconds > handoverNanosecondsMax.load(ordering: .relaxed) {
            handoverNanosecondsMax.store(nanoseconds, ordering: .relaxed)
        }
        latencyBins[min(Self.latencyBinCount - 1, max(0, nanoseconds / Self.latencyBinNanoseconds))] += 1
    }

    /// The hand-over latency below which `fraction` of hops fell, in seconds (bin resolution).
    /// Call only after the engine has stopped.
    public func handoverPercentile(_ fraction: Double) -> Double {
        let total = (0..<Self.latencyBinCount).reduce(0) { $0 + latencyBins[$1] }
        guard total > 0 else { return 0 }
        var running = 0
        for bin in 0..<Self.latencyBinCount {
            running += latencyBins[bin]
            if Double(running) >= fraction * Double(total) {
                return Double((bin + 1) * Self.latencyBinNanoseconds) / 1e9
            }
        }
        return Double(Self.latencyBinCount * Self.latencyBinNanoseconds) / 1e9
    }

    /// Mean analysis time per hop in seconds.
    public var meanAnalysisSeconds: Double {
        let count = blocks.load(ordering: .relaxed)
        return count == 0 ? 0 : Double(analysisNanosecondsTotal.load(ordering: .relaxed)) / Double(count) / 1e9
    }
}
