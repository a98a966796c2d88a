import Foundation
import SampleMindStorage
import SampleMindSynthesis

/// Segment storage at scale: writes per second, list and similar-search latency at 100,000
/// segments, and database size per hour of audio (360 ten-second segments).
enum SegmentBenchmark {
    /// The same queries over HTTP against a daemon serving this database.
    static func apiLatency(database: String, folder: String, keys: [String], count: Int) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("samplemind").path
        guard FileManager.default.isExecutableFile(atPath: binary), let song = BenchMusic.write(seconds: 10, into: folder),
              let daemon = Daemon(binary: binary, song: song, folder: folder, extra: ["--db", database]) else {
            print("  API: skipped (no samplemind binary beside the benchmark)")
            return
        }
        defer { daemon.stop() }
        Thread.sleep(forTimeInterval: 1)
        var random = SplitMix64(seed: 9)
        func time(_ path: String) -> Double? {
            let begin = Date()
            guard (try? rawGet(port: daemon.port, path: path)) != nil else { return nil }
            return Date().timeIntervalSince(begin) * 1_000
        }
        let list = (0..<200).compactMap { _ in
            time("/v1/segments?limit=100&key=\(keys[Int(random.next() % 24)].replacingOccurrences(of: " ", with: "%20"))&cursor=s\(random.next() % UInt64(count))")
        }.sorted()
        let similar = (0..<100).compactMap { _ in time("/v1/segments/\(1 + random.next() % UInt64(count))/similar?k=10") }.sorted()
        guard !list.isEmpty, !similar.isEmpty else {
            print("  API: requests failed")
            return
        }
        func p(_ values: [Double], _ q: Double) -> Double { values[Int(q * Double(values.count - 1))] }
        print(String(format: "  API over HTTP: GET /v1/segments (100, key filter, cursor) p50 %.2f ms, p99 %.2f ms; GET …/similar?k=10 p50 %.2f ms, p99 %.2f ms",
                     p(list, 0.5), p(list, 0.99), p(similar, 0.5), p(similar, 0.99)))
    }

    static func run(count: Int = 100_000) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-segment-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/segments.db"
        do {
            let store = try SegmentStore(path: path)
            let session = try store.startSession(wallClock: 0, input: "benchmark", sampleRate: 48_000, settings: "{}")
            var random = SplitMix64(seed: 5)
            let keys = (0..<24).map { index in ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"][index % 12] + (index < 12 ? " major" : " minor") }
            let started = Date()
            try store.database.execute("BEGIN")
            for index in 0..<count {
                let t = Double(index) * 10
                let segment = Segment(
                    startSeconds: t, endSeconds: t + 10, startWallClock: 1_700_000_000 + t, endWallClock: 1_700_000_010 + t,
                    tempoBPM: 90 + Double(random.next() % 80), tempoConfidence: 0.5, beatCount: 20,
                    key: keys[Int(random.next() % 24)], keyConfidence: 0.6, loudnessLUFS: -10 - Double(random.next() % 20),
                    loudnessRangeLU: 4, peakDBFS: -1, onsetRate: 3, centroidHz: 1_500, rolloffHz: 3_000, flatness: 0.05,
                    chroma: (0..<12).map { _ in abs(random.nextSignedUnit()) }, mfcc: (0..<13).map { _ in 40 * random.nextSignedUnit() },
                    closeReason: .maximumLength)
                try store.insert(segment, session: session)
                if index % 1_000 == 999 {
                    try store.database.execute("COMMIT")
                    try store.database.execute("BEGIN")
                }
            }
            try store.database.execute("COMMIT")
            let writeSeconds = Date().timeIntervalSince(started)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0

            let reader = try SegmentStore(readingFrom: path)
            var listTimes: [Double] = []
            for _ in 0..<200 {
                var filter = SegmentStore.Filter()
                filter.key = keys[Int(random.next() % 24)]
                let cursor = Int64(random.next() % UInt64(count))
                let begin = Date()
                _ = try reader.segments(filter, after: cursor, limit: 100)
                listTimes.append(Date().timeIntervalSince(begin) * 1_000)
            }
            let index = SimilarityIndex()
            let loadStarted = Date()
            try index.refresh(from: reader)
            let loadSeconds = Date().timeIntervalSince(loadStarted)
            var similarTimes: [Double] = []
            for _ in 0..<100 {
                let id = Int64(1 + random.next() % UInt64(count))
                let begin = Date()
                _ = index.nearest(to: id, k: 10)
                similarTimes.append(Date().timeIntervalSince(begin) * 1_000)
            }
            func percentile(_ values: [Double], _ p: Double) -> Double { values.sorted()[Int(p * Double(values.count - 1))] }
            print("Segments (\(count) synthetic segments, release build)")
            print(String(format: "  written: %.0f segments per second (1000 per transaction; the daemon writes about 0.1 per second)", Double(count) / writeSeconds))
            print(String(format: "  list 100 with a key filter from a random cursor: p50 %.2f ms, p99 %.2f ms", percentile(listTimes, 0.5), percentile(listTimes, 0.99)))
            print(String(format: "  similar (k = 10) over all %d: p50 %.2f ms, p99 %.2f ms (index loaded once in %.2f s, then refreshed incrementally)",
                         index.count, percentile(similarTimes, 0.5), percentile(similarTimes, 0.99), loadSeconds))
            print(String(format: "  database size: %.1f MB for %d segments (+ %.1f MB WAL) = %.0f KB per hour of audio (360 segments)",
                         Double(bytes) / 1e6, count, Double(wal) / 1e6, Double(bytes) / Double(count) * 360 / 1_000))
            apiLatency(database: path, folder: folder, keys: keys, count: count)
        } catch {
            print("Segments: failed: \(error)")
        }
    }
}
