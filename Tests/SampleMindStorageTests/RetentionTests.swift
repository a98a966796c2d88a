import Foundation
@testable import SampleMindStorage
import XCTest

final class RetentionTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-retention-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    private func segment(endingAt wall: Double) -> Segment {
        Segment(startSeconds: 0, endSeconds: 10, startWallClock: wall - 10, endWallClock: wall, tempoBPM: 120, tempoConfidence: 0.5,
                beatCount: 20, key: "C major", keyConfidence: 0.5, loudnessLUFS: -14, loudnessRangeLU: 3, peakDBFS: -1, onsetRate: 3,
                centroidHz: 1_000, rolloffHz: 2_000, flatness: 0.1, chroma: [Float](repeating: 0.5, count: 12),
                mfcc: [Float](repeating: 1, count: 13), closeReason: .maximumLength)
    }

    func testApply_byAge_deletesOnlyWhatIsOlderInBatches() throws {
        let store = try SegmentStore(path: "\(folder!)/age.db")
        let session = try store.startSession(wallClock: 0, input: "test", sampleRate: nil, settings: "{}")
        let now = 10_000_000.0
        for day in 0..<1_200 { try store.insert(segment(endingAt: now - Double(day) * 86_400), session: session) }
        let deleted = try Retention(maximumAgeSeconds: 500 * 86_400, maximumBytes: 0).apply(to: store, now: now)
        XCTAssertEqual(deleted, 699, "days 501…1199 go, in batches of 500")
        let left = try store.segments(limit: 10_000)
        XCTAssertEqual(left.count, 501)
        XCTAssertTrue(left.allSatisfy { $0.endWallClock >= now - 500 * 86_400 })
    }

    func testApply_bySize_deletesTheOldestUntilUnderTheLimit() throws {
        let store = try SegmentStore(path: "\(folder!)/size.db")
        let session = try store.startSession(wallClock: 0, input: "test", sampleRate: nil, settings: "{}")
        for index in 0..<3_000 { try store.insert(segment(endingAt: Double(index)), session: session) }
        let before = try store.usedBytes
        let limit = before / 3
        let deleted = try Retention(maximumAgeSeconds: 0, maximumBytes: limit).apply(to: store, now: 0)
        XCTAssertGreaterThan(deleted, 1_000)
        XCTAssertLessThanOrEqual(try store.usedBytes, limit)
        let left = try store.segments(limit: 10_000)
        XCTAssertEqual(left.first?.endWallClock, Double(deleted), "the oldest went first")
        XCTAssertEqual(left.last?.endWallClock, 2_999)
    }

    func testOpen_aVersion1Database_isMigratedWithItsSegmentsKept() throws {
        let path = "\(folder!)/old.db"
        let old = try SQLiteDatabase(path: path)
        try old.execute(Schema.migrations[0])
        try old.execute("PRAGMA user_version = 1")
        try old.execute("""
            INSERT INTO sessions (started_wall, input, settings) VALUES (1, 'old input', '{}');
            INSERT INTO segments (session_id, start_t, end_t, start_wall, end_wall, tempo_confidence, beat_count, key_confidence,
                peak_dbfs, onset_rate, centroid_hz, rolloff_hz, flatness, chroma, mfcc, close_reason)
            VALUES (1, 0, 10, 100, 110, 0.5, 20, 0.5, -1, 3, 1000, 2000, 0.1, x'', x'', 'max_length');
            """)
        let store = try SegmentStore(path: path)
        XCTAssertEqual(try store.database.userVersion, Schema.currentVersion)
        XCTAssertEqual(try store.segments(limit: 10).map(\.endWallClock), [110])
        let index = try store.database.prepare("SELECT name FROM sqlite_master WHERE name = 'segments_by_end_wall'")
        XCTAssertTrue(try index.step(), "version 2's index exists")
    }
}
