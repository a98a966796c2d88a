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
    /// The latest tempo (Float bits; 0 while unknown) and key index (−1 while unknown), for status lines.
    public let tempoBits = Atomic<UInt32>(0)
    public let keyIndex = Atomic<Int>(-1)
    /// The input's sample rate when the analyzer could not be set up for it (0 while all is well).
    public let rejectedSampleRate = Atomic<Int>(0)
    /// The input's sample rate when the network detector was asked for and the analyzer runs the
    /// DSP detectors instead (0 while the network runs or was not asked for).
    public let networkFallbackRate = Atomic<Int>(0)
    /// Histogram of hand-over latency in 25 µs bins up to 25 ms (the last bin holds everything
    /// longer). Written only by the analysis thread; read it after the engine has stopped.
    public static let latencyBinNanoseconds = 25_000
    public static let latencyBinCount = 1_000
    package let latencyBins: UnsafeMutablePointer<Int>
    private let resetRequested = Atomic<Bool>(false)

    package init() {
        latencyBins = .allocate(capacity: Self.latencyBinCount)
        latencyBins.initialize(repeating: 0, count: Self.latencyBinCount)
    }

    deinit { latencyBins.deallocate() }

    /// Asks the analysis thread to start the timing figures (maxima, histogram, means) afresh at
    /// its next hop, e.g. once set-up and warm-up are over. Any thread.
    public func restartTimingFigures() { resetRequested.store(true, ordering: .releasing) }

    /// Analysis thread, before each hop. Real-time safe.
    package func applyRequestedReset() {
        guard resetRequested.exchange(false, ordering: .acquiring) else { return }
        blocks.store(0, ordering: .relaxed)
        analysisNanosecondsTotal.store(0, ordering: .relaxed)
        analysisNanosecondsMax.store(0, ordering: .relaxed)
        handoverNanosecondsTotal.store(0, ordering: .relaxed)
        handoverNanosecondsMax.store(0, ordering: .relaxed)
        handoverSamples.store(0, ordering: .relaxed)
        for bin in 0..<Self.latencyBinCount { latencyBins[bin] = 0 }
    }

    /// Analysis thread. Real-time safe.
    package func recordAnalysis(nanoseconds: Int) {
        blocks.add(1, ordering: .relaxed)
        analysisNanosecondsTotal.add(nanoseconds, ordering: .relaxed)
        if nanoseconds > analysisNanosecondsMax.load(ordering: .relaxed) {
            analysisNanosecondsMax.store(nanoseconds, ordering: .relaxed)
        }
    }

    /// Analysis thread. Real-time safe.
    package func recordHandover(nanoseconds: Int) {
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

    public var tempoBPM: Float { Float(bitPattern: tempoBits.load(ordering: .relaxed)) }

    /// Mean analysis time per hop in seconds.
    public var meanAnalysisSeconds: Double {
        let count = blocks.load(ordering: .relaxed)
        return count == 0 ? 0 : Double(analysisNanosecondsTotal.load(ordering: .relaxed)) / Double(count) / 1e9
    }
}
