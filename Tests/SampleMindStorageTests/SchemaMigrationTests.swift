import Foundation
import SampleMindStorage
import XCTest

/// Schema version 3 (collected segments): a version 2 file written with version 2's own SQL is
/// upgraded in place, keeping its rows; collected segments are stored once per instance and id.
final class SchemaMigrationTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-schema-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    /// Version 2's schema exactly as SampleMind wrote it (migrations 1 and 2), with two segments.
    private func writeVersion2File(_ path: String) throws {
        let database = try SQLiteDatabase(path: path)
        try database.execute("""
            CREATE TABLE sessions (
                id INTEGER PRIMARY KEY,
                started_wall REAL NOT NULL,
                input TEXT NOT NULL,
                sample_rate REAL,
                settings TEXT NOT NULL
            );
            CREATE TABLE segments (
                id INTEGER PRIMARY KEY,
                session_id INTEGER NOT NULL REFERENCES sessions(id),
                start_t REAL NOT NULL, end_t REAL NOT NULL,
                start_wall REAL NOT NULL, end_wall REAL NOT NULL,
                tempo_bpm REAL, tempo_confidence REAL NOT NULL, beat_count INTEGER NOT NULL,
                key TEXT, key_confidence REAL NOT NULL,
                loudness_lufs REAL, loudness_range_lu REAL, peak_dbfs REAL NOT NULL,
                onset_rate REAL NOT NULL,
                centroid_hz REAL NOT NULL, rolloff_hz REAL NOT NULL, flatness REAL NOT NULL,
                chroma BLOB NOT NULL, mfcc BLOB NOT NULL,
                close_reason TEXT NOT NULL
            );
            CREATE INDEX segments_by_session ON segments(session_id, start_t);
            CREATE INDEX segments_by_wall ON segments(start_wall);
            CREATE INDEX segments_by_end_wall ON segments(end_wall);
            INSERT INTO sessions VALUES (1, 1000, 'file ''old.wav''', 48000, '{}');
            INSERT INTO segments (session_id, start_t, end_t, start_wall, end_wall, tempo_bpm, tempo_confidence, beat_count, key,
                key_confidence, loudness_lufs, loudness_range_lu, peak_dbfs, onset_rate, centroid_hz, rolloff_hz, flatness, chroma,
                mfcc, close_reason)
            VALUES (1, 0, 10, 1000, 1010, 120, 0.5, 20, 'A minor', 0.7, -14, 3, -1, 4, 1500, 3000, 0.05, x'0000803F', x'', 'max_length'),
                   (1, 10, 20, 1010, 1020, NULL, 0, 0, NULL, 0, NULL, NULL, -60, 0, 0, 0, 0, x'', x'', 'silence_start');
            PRAGMA user_version = 2;
            """)
    }

    private func collected(room: String, instance: String, sourceID: Int64, start: Double = 0) -> Segment {
        var segment = Segment(startSeconds: start, endSeconds: start + 5, startWallClock: 2_000 + start, endWallClock: 2_005 + start,
                              tempoBPM: 98, tempoConfidence: 0.4, beatCount: 8, key: "E major", keyConfidence: 0.6, loudnessLUFS: -20,
                              loudnessRangeLU: 2, peakDBFS: -6, onsetRate: 2, centroidHz: 900, rolloffHz: 2_000, flatness: 0.1,
                              chroma: [Float](repeating: 0.5, count: 12), mfcc: [Float](repeating: 1, count: 13), closeReason: .maximumLength)
        segment.room = room
        segment.instance = instance
        segment.sourceID = sourceID
        return segment
    }

    func testMigrate_fromVersion2_keepsEveryRowAndAddsRoomInstanceAndSourceColumns() throws {
        let path = "\(folder!)/v2.db"
        try writeVersion2File(path)
        XCTAssertThrowsError(try SegmentStore(readingFrom: path), "a reader does not migrate") { error in
            XCTAssertTrue("\(error)".contains("schema version 2; start the daemon once"), "\(error)")
        }

        let store = try SegmentStore(path: path)
        XCTAssertEqual(try store.database.userVersion, 3)
        XCTAssertEqual(store.instanceID.count, 32)
        XCTAssertTrue(store.instanceID.allSatisfy(\.isHexDigit), store.instanceID)
        let rows = try store.segments()
        XCTAssertEqual(rows.map(\.id), [1, 2])
        XCTAssertEqual(rows.map(\.sessionID), [1, 1])
        XCTAssertEqual(rows[0].key, "A minor")
        XCTAssertEqual(rows[0].tempoBPM, 120)
        XCTAssertEqual(rows[0].chroma, [1])
        XCTAssertNil(rows[1].tempoBPM)
        XCTAssertEqual(rows[1].closeReason, .silenceStart)
        for row in rows {
            XCTAssertNil(row.room, "the database's own segments have no room")
            XCTAssertNil(row.instance)
            XCTAssertNil(row.sourceID)
        }
        XCTAssertEqual(try store.sessions().map(\.input), ["file 'old.wav'"])

        let reopened = try SegmentStore(path: path)
        XCTAssertEqual(reopened.instanceID, store.instanceID, "the instance id is made once per database")
        XCTAssertEqual(try SegmentStore(readingFrom: path).instanceID, store.instanceID)
        XCTAssertNotEqual(try SegmentStore(path: "\(folder!)/other.db").instanceID, store.instanceID, "each database has its own")
    }

    func testInsertCollected_whenTheSameInstanceAndIDArriveTwice_storesOneRow() throws {
        let store = try SegmentStore(path: "\(folder!)/collector.db")
        let session = try store.startSession(wallClock: 0, input: "mqtt://127.0.0.1:1883", sampleRate: nil, settings: "{}")
        let first = try store.insertCollected(collected(room: "a", instance: "i1", sourceID: 7), session: session)
        XCTAssertNotNil(first)
        XCTAssertNil(try store.insertCollected(collected(room: "a", instance: "i1", sourceID: 7), session: session), "a redelivery")
        XCTAssertNotNil(try store.insertCollected(collected(room: "b", instance: "i2", sourceID: 7), session: session),
                        "another database's segment 7 is another segment")
        XCTAssertNotNil(try store.insertCollected(collected(room: "a", instance: "i3", sourceID: 7), session: session),
                        "room a's database recreated: a new instance, so its new segment 7 is kept")
        XCTAssertEqual(try store.segments().count, 3)

        var roomA = SegmentStore.Filter()
        roomA.room = "a"
        let found = try store.segments(roomA)
        XCTAssertEqual(found.map(\.instance), ["i1", "i3"])
        XCTAssertEqual(found.first?.room, "a")
        XCTAssertEqual(found.first?.sourceID, 7)
        XCTAssertEqual(found.first?.id, first)
        roomA.room = "'; DROP TABLE segments; --"
        XCTAssertEqual(try store.segments(roomA).count, 0)
    }

    func testInsertCollected_withoutInstanceOrSourceID_isRefused() throws {
        let store = try SegmentStore(path: "\(folder!)/collector.db")
        let session = try store.startSession(wallClock: 0, input: "mqtt", sampleRate: nil, settings: "{}")
        var segment = collected(room: "a", instance: "i1", sourceID: 1)
        segment.instance = nil
        XCTAssertThrowsError(try store.insertCollected(segment, session: session))
    }
}
