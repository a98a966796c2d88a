/// Keeps the database within its limits: segments older than `maximumAgeSeconds` and, while the
/// live data is larger than `maximumBytes`, the oldest segments go — in batches of 500, each its
/// own transaction, so nothing waits long. Zero means no limit. Storage thread.
public struct Retention: Sendable {
    public static let batch = 500
    public var maximumAgeSeconds: Double
    public var maximumBytes: Int

    public init(maximumAgeSeconds: Double, maximumBytes: Int) {
        self.maximumAgeSeconds = maximumAgeSeconds
        self.maximumBytes = maximumBytes
    }

    /// Applies the limits; returns how many segments were deleted.
    @discardableResult
    public func apply(to store: SegmentStore, now wallClock: Double) throws(StorageError) -> Int {
        var deleted = 0
        if maximumAgeSeconds > 0 {
            while true {
                let count = try store.deleteSegments(endingBefore: wallClock - maximumAgeSeconds, batch: Self.batch)
                deleted += count
                if count < Self.batch { break }
            }
        }
        if maximumBytes > 0 {
            while try store.usedBytes > maximumBytes {
                let count = try store.deleteOldestSegments(batch: Self.batch)
                deleted += count
                if count == 0 { break }
            }
        }
        return deleted
    }
}
