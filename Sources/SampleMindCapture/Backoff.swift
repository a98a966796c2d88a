/// Retry delays that double from `initial` up to `maximum` seconds, reset after a success.
public struct Backoff: Sendable {
    public let initial: Double
    public let maximum: Double
    private var next: Double

    public init(initial: Double = 0.5, maximum: Double = 5) {
        self.initial = initial
        self.maximum = maximum
        next = initial
    }

    /// The delay to wait now; the one after is twice as long (capped).
    public mutating func nextDelay() -> Double {
        defer { next = min(maximum, next * 2) }
        return next
    }

    public mutating func reset() { next = initial }
}
