import Foundation

/// Finds the segments most like a given one, by Euclidean distance between feature vectors:
///
///     [ chroma / ‖chroma‖  (12 values: the harmony, whatever the level),
///       mfcc[1…12] / 50    (the timbre, without c0, which is only loudness),
///       2 · log2(tempo / 120)  (0 when no tempo; a doubling counts as much as two chroma axes),
///       loudness / 20      (LUFS; 0 when silent) ]
///
/// Vectors are kept in memory (26 floats a segment: 100,000 segments are 10.4 MB) and a query
/// scans them all, which takes a few milliseconds. ``refresh(from:)`` adds segments stored since.
public final class SimilarityIndex {
    public static let dimensions = 26
    private(set) var ids: [Int64] = []
    private var vectors: [Float] = []
    private var lastID: Int64 = 0

    public init() {}

    public var count: Int { ids.count }

    /// Loads the segments stored after the last refresh.
    public func refresh(from store: SegmentStore) throws(StorageError) {
        while true {
            let page = try store.segments(after: lastID, limit: 5_000)
            for segment in page { add(segment) }
            guard let last = page.last, page.count == 5_000 else { return }
            lastID = last.id
        }
    }

    public func add(_ segment: Segment) {
        ids.append(segment.id)
        vectors += Self.vector(segment)
        lastID = max(lastID, segment.id)
    }

    /// The segment's feature vector, always `dimensions` long (missing values read as 0).
    public static func vector(_ segment: Segment) -> [Float] {
        let chroma = Array((segment.chroma + [Float](repeating: 0, count: 12)).prefix(12))
        let mfcc = Array((segment.mfcc + [Float](repeating: 0, count: 13)).prefix(13))
        let norm = max(1e-9, sqrt(chroma.reduce(0) { $0 + $1 * $1 }))
        var vector = chroma.map { $0 / norm }
        vector += mfcc.dropFirst().map { $0 / 50 }
        vector.append(segment.tempoBPM.map { Float(2 * log2($0 / 120)) } ?? 0)
        vector.append(segment.loudnessLUFS.map { Float($0 / 20) } ?? 0)
        return vector
    }

    /// The `k` nearest other segments to segment `id`, closest first, or nil when `id` is unknown.
    public func nearest(to id: Int64, k: Int) -> [(id: Int64, distance: Float)]? {
        guard let position = ids.firstIndex(of: id) else { return nil }
        let d = Self.dimensions
        let query = Array(vectors[(position * d)..<((position + 1) * d)])
        var best: [(id: Int64, distance: Float)] = []
        vectors.withUnsafeBufferPointer { all in
            for row in 0..<ids.count where row != position {
                var sum: Float = 0
                let base = row * d
                for j in 0..<d {
                    let difference = all[base + j] - query[j]
                    sum += difference * difference
                }
                if best.count < k || sum < best[best.count - 1].distance {
                    let insertAt = best.firstIndex { sum < $0.distance } ?? best.count
                    best.insert((ids[row], sum), at: insertAt)
                    if best.count > k { best.removeLast() }
                }
            }
        }
        return best.map { ($0.id, sqrt($0.distance)) }
    }
}
