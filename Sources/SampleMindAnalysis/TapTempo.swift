/// Tap tempo: the average interval of the latest taps, when they come less than two seconds apart.
struct TapTempo {
    static let maximumGapSeconds = 2.0
    static let remembered = 8

    private var times = InlineArray<8, Double>(repeating: 0)
    private var count = 0

    /// Notes a tap at `seconds`; returns the tapped tempo in BPM once two or more taps are in a row.
    /// Real-time safe.
    mutating func tap(at seconds: Double) -> Float? {
        if count > 0, seconds - times[(count - 1) % Self.remembered] > Self.maximumGapSeconds { count = 0 }
        times[count % Self.remembered] = seconds
        count += 1
        let taps = min(count, Self.remembered)
        guard taps >= 2 else { return nil }
        let newest = times[(count - 1) % Self.remembered]
        let oldest = times[(count - taps) % Self.remembered]
        let interval = (newest - oldest) / Double(taps - 1)
        guard interval > 0 else { return nil }
        let bpm = 60 / interval
        return Float(min(max(bpm, TempoTracker.minimumBPM), TempoTracker.maximumBPM))
    }

    mutating func reset() { count = 0 }
}
