import Foundation
import Glibc
import SampleMindStorage
import SampleMindTestSupport
import XCTest

final class SegmentStorageTests: XCTestCase {
    func testServe_storesSegmentsAnnouncesThemAndOnSIGTERMClosesTheOpenOneWithTheDatabaseIntact() throws {
        let scratch = try ScratchDirectory("samplemind-segments")
        defer { scratch.remove() }
        let database = scratch.file("segments.db")
        let daemon = try ServingDaemon(seconds: 30, speed: 4, extra: ["--db", database], in: scratch)
        let client = try daemon.client()
        XCTAssertTrue((client.next("hello")?["events"] as? [String])?.contains("segment") ?? false)
        // 30 s of music at 4× speed: segments are decided 10 s of music after their end.
        var announced: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(9)
        while Date() < deadline {
            if let segment = client.next("segment", timeout: deadline.timeIntervalSinceNow) { announced.append(segment) }
        }
        XCTAssertGreaterThanOrEqual(announced.count, 1, "segment events on the stream")
        let stopped = daemon.process.stop(signal: SIGTERM)
        XCTAssertNotNil(stopped)
        XCTAssertLessThan(stopped ?? 99, 2, "stopped within 2 s")
        XCTAssertEqual(daemon.process.process.terminationStatus, 0)

        let check = try SQLiteDatabase(path: database, readOnly: true)
        let integrity = try check.prepare("PRAGMA integrity_check")
        XCTAssertTrue(try integrity.step())
        XCTAssertEqual(integrity.text(0), "ok")
        let stored = try SegmentStore(path: database).segments(limit: 1_000)
        XCTAssertGreaterThanOrEqual(stored.count, 3, "30 s of music in segments of at most 10 s")
        XCTAssertEqual(stored.last?.closeReason, .shutdown, "the open segment was closed at SIGTERM")
        for segment in announced {
            let id = Int64(segment["id"] as? Int ?? -1)
            XCTAssertTrue(stored.contains { $0.id == id }, "announced segment \(id) is stored")
        }
        let music = try XCTUnwrap(stored.first { $0.tempoBPM != nil })
        XCTAssertEqual(music.tempoBPM ?? 0, 120, accuracy: 3)
        XCTAssertEqual(music.key, "A minor")
    }

    func testServe_whenTheDatabaseIsFromANewerSampleMind_refusesToStartAndLeavesItAlone() throws {
        let scratch = try ScratchDirectory("samplemind-newer")
        defer { scratch.remove() }
        let path = scratch.file("future.db")
        let future = try SQLiteDatabase(path: path)
        try future.execute("PRAGMA user_version = 42")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let outcome = try SampleMindBinary.run(["serve", "--input", "jack", "--db", path, "--port", "0", "--realtime-priority", "0"])
        XCTAssertEqual(outcome.status, 78)
        XCTAssertTrue(outcome.standardError.contains("newer SampleMind"), outcome.standardError)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }
}
