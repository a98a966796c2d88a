import Foundation
import SampleMindStorage
import XCTest

final class SegmentStoreTests: XCTestCase {
    private var folder: String!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-store-\(UUID().uuidString)").path
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    private func segment(start: Double, key: String? = "A minor") -> Segment {
        Segment(startSeconds: start, endSeconds: start + 10, startWallClock: 1_000 + start, endWallClock: 1_010 + start,
                tempoBPM: 124, tempoConfidence: 0.6, beatCount: 20, key: key, keyConfidence: 0.7, loudnessLUFS: -14,
                loudnessRangeLU: 3, peakDBFS: -1, onsetRate: 4, centroidHz: 1_500, rolloffHz: 3_000, flatness: 0.05,
                chroma: (0..<12).map { Float($0) / 12 }, mfcc: (0..<13).map { Float($0) }, closeReason: .maximumLength)
    }

    func testStore_keepsSegmentsOfASessionExactlyAndPagesWithACursor() throws {
        let store = try SegmentStore(path: "\(folder!)/nested/samplemind.db")
        let session = try store.startSession(wallClock: 1_000, input: "file 'x.wav'", sampleRate: 48_000, settings: "{}")
        for index in 0..<5 { try store.insert(segment(start: Double(index) * 10, key: index == 2 ? nil : "A minor"), session: session) }
        let first = try store.segments(.init(session: session), limit: 3)
        XCTAssertEqual(first.map(\.startSeconds), [0, 10, 20])
        XCTAssertNil(first[2].key)
        let rest = try store.segments(.init(session: session), after: first.last!.id, limit: 3)
        XCTAssertEqual(rest.map(\.startSeconds), [30, 40])
        var expected = segment(start: 0)
        expected.id = first[0].id
        expected.sessionID = session
        XCTAssertEqual(first[0], expected, "every field comes back as stored")
        XCTAssertEqual(try store.segments(.init(session: session + 1)).count, 0)
    }

    func testStore_valuesWithSQLMetaCharactersAreStoredAsText() throws {
        let store = try SegmentStore(path: "\(folder!)/samplemind.db")
        let session = try store.startSession(wallClock: 0, input: "x'); DROP TABLE segments; --", sampleRate: nil, settings: "{}")
        try store.insert(segment(start: 0, key: "'; DELETE FROM segments; --"), session: session)
        XCTAssertEqual(try store.segments().first?.key, "'; DELETE FROM segments; --")
    }

    func testOpen_whenTheDatabaseIsFromANewerSampleMind_refusesItUntouched() throws {
        let path = "\(folder!)/future.db"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let future = try SQLiteDatabase(path: path)
        try future.execute("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me'); PRAGMA user_version = 99")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SegmentStore(path: path)) { error in
            XCTAssertTrue("\(error)".contains("newer SampleMind (schema version 99"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "not a byte changed")
    }

    func testOpen_whenTheFileIsNotADatabase_saysSo() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = "\(folder!)/text.db"
        try "this is a text file, not SQLite".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SegmentStore(path: path)) { error in
            XCTAssertTrue("\(error)".contains(path), "\(error)")
        }
    }
}
