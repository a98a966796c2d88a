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

    /// A tmpfs of 120 KiB fills up after a few segments; growing it lets the backlog through.
    func testServe_whenTheDiskIsFull_keepsAnalysingReportsDegradedAndWritesTheBacklogWhenSpaceReturns() throws {
        let scratch = try ScratchDirectory("samplemind-diskfull")
        defer { scratch.remove() }
        let mountPoint = scratch.file("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        func run(_ arguments: [String]) -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/mount")
            process.arguments = arguments
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return -1 }
            process.waitUntilExit()
            return process.terminationStatus
        }
        try XCTSkipUnless(run(["-t", "tmpfs", "-o", "size=120k", "tmpfs", mountPoint]) == 0, "mounting a small tmpfs is not allowed here")
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
            unmount.arguments = [mountPoint]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        let database = "\(mountPoint)/segments.db"
        let daemon = try ServingDaemon(seconds: 30, speed: 8, loop: true, extra: ["--db", database], in: scratch)
        var health = ""
        let full = Date().addingTimeInterval(30)
        while Date() < full {
            health = try httpGet(port: daemon.port, path: "/health").body
            if health.contains("storage failing") { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        XCTAssertTrue(health.contains("\"status\":\"degraded\"") && health.contains("disk is full"), health)
        XCTAssertEqual(daemon.process.errors.components(separatedBy: "cannot write segments").count - 1, 1, "logged once")
        let before = try XCTUnwrap(Int(try httpGet(port: daemon.port, path: "/metrics").body.split(separator: "\n")
            .first { $0.hasPrefix("samplemind_analysis_blocks_total") }?.split(separator: " ").last ?? ""))
        Thread.sleep(forTimeInterval: 2)
        let after = try XCTUnwrap(Int(try httpGet(port: daemon.port, path: "/metrics").body.split(separator: "\n")
            .first { $0.hasPrefix("samplemind_analysis_blocks_total") }?.split(separator: " ").last ?? ""))
        XCTAssertGreaterThan(after - before, 1_000, "analysis goes on while the disk is full")

        XCTAssertEqual(run(["-o", "remount,size=8m", mountPoint]), 0)
        XCTAssertTrue(daemon.process.waitFor("writing segments to", timeout: 15), daemon.process.errors)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/health").status, 200)
        XCTAssertTrue(try httpGet(port: daemon.port, path: "/health").body.contains("\"status\":\"ok\""))
        let metrics = try httpGet(port: daemon.port, path: "/metrics").body
        XCTAssertFalse(metrics.contains("samplemind_storage_write_failures_total 0\n"), "the failures were counted")
        XCTAssertTrue(metrics.contains("samplemind_storage_backlog 0\n"), "and the backlog is empty again")
        XCTAssertTrue(metrics.contains("samplemind_segments_lost_total 0\n"))
        XCTAssertNotNil(daemon.process.stop(signal: SIGTERM))

        let stored = try SegmentStore(path: database).segments(limit: 10_000)
        XCTAssertGreaterThan(stored.count, 5)
        for (earlier, later) in zip(stored, stored.dropFirst()) {
            XCTAssertEqual(later.startSeconds, earlier.endSeconds, accuracy: 0.05, "no segment lost: each starts where the last ended")
        }
    }

    func testAPI_listsPagesFiltersAndShowsSegmentsAndRefusesBadRequestsWithAReason() throws {
        let scratch = try ScratchDirectory("samplemind-segment-api")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 30, speed: 8, loop: true, extra: ["--db", scratch.file("api.db")], in: scratch)
        func get(_ path: String) throws -> (Int, [String: Any]) {
            let response = try httpGet(port: daemon.port, path: path)
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]) ?? [:]
            return (response.status, object)
        }
        // 30 s of music at 8× speed: enough for several stored segments within a few seconds.
        var total = 0
        let deadline = Date().addingTimeInterval(20)
        while total < 6, Date() < deadline {
            total = (try get("/v1/segments?limit=500").1["segments"] as? [[String: Any]])?.count ?? 0
            Thread.sleep(forTimeInterval: 0.5)
        }
        XCTAssertGreaterThanOrEqual(total, 6)
        XCTAssertEqual((try get("/v1/sessions").1["sessions"] as? [[String: Any]])?.count, 1)

        let (status, first) = try get("/v1/segments?limit=2")
        XCTAssertEqual(status, 200)
        let page = try XCTUnwrap(first["segments"] as? [[String: Any]])
        XCTAssertEqual(page.count, 2)
        let cursor = try XCTUnwrap(first["next_cursor"] as? String)
        let second = try XCTUnwrap(try get("/v1/segments?limit=2&cursor=\(cursor)").1["segments"] as? [[String: Any]])
        let ids = (page + second).compactMap { $0["id"] as? Int }
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids).count, 4, "pages do not overlap")

        let id = try XCTUnwrap(page.first?["id"] as? Int)
        let (detailStatus, detail) = try get("/v1/segments/\(id)")
        XCTAssertEqual(detailStatus, 200)
        XCTAssertEqual((detail["chroma"] as? [Double])?.count, 12)
        XCTAssertEqual((detail["mfcc"] as? [Double])?.count, 13)

        let minor = try XCTUnwrap(try get("/v1/segments?key=A%20minor&limit=500").1["segments"] as? [[String: Any]])
        XCTAssertFalse(minor.isEmpty)
        XCTAssertTrue(minor.allSatisfy { $0["key"] as? String == "A minor" })
        let fast = try XCTUnwrap(try get("/v1/segments?tempo_min=150&limit=500").1["segments"] as? [[String: Any]])
        XCTAssertTrue(fast.isEmpty, "the song is at 120 BPM")

        for bad in ["/v1/segments/abc", "/v1/segments/-3", "/v1/segments?limit=100000", "/v1/segments?limit=zero",
                    "/v1/segments?cursor=garbage", "/v1/segments?key=Q%20major", "/v1/segments?session=1%27%20OR%201=1",
                    "/v1/segments?tempo_min=NaN", "/v1/segments?from=yesterday"] {
            let (badStatus, body) = try get(bad)
            XCTAssertEqual(badStatus, 400, bad)
            XCTAssertGreaterThan((body["message"] as? String)?.count ?? 0, 10, "\(bad) says why")
        }
        XCTAssertEqual(try get("/v1/segments/999999").0, 404)
        let (similarStatus, similar) = try get("/v1/segments/\(id)/similar?k=3")
        XCTAssertEqual(similarStatus, 200)
        let neighbours = try XCTUnwrap(similar["similar"] as? [[String: Any]])
        XCTAssertEqual(neighbours.count, 3)
        let distances = neighbours.compactMap { $0["distance"] as? Double }
        XCTAssertEqual(distances, distances.sorted(), "closest first")
        XCTAssertFalse(neighbours.contains { $0["id"] as? Int == id }, "not itself")
        XCTAssertEqual(try get("/v1/segments/\(id)/similar?k=1000").0, 400)
        XCTAssertEqual(try get("/v1/segments/999999/similar").0, 404)

        // The command line reads the same file while the daemon runs.
        let list = try SampleMindBinary.run(["segments", "list", "--db", scratch.file("api.db")])
        XCTAssertEqual(list.status, 0, list.standardError)
        XCTAssertGreaterThanOrEqual(list.standardOutput.split(separator: "\n").count, total)
        XCTAssertTrue(list.standardOutput.contains("A minor"))
        let show = try SampleMindBinary.run(["segments", "show", "\(id)", "--db", scratch.file("api.db")])
        XCTAssertEqual(show.status, 0)
        XCTAssertTrue(show.standardOutput.contains("\"id\":\(id),"))
        let csv = try SampleMindBinary.run(["segments", "export", "--format", "csv", "--db", scratch.file("api.db")])
        let rows = csv.standardOutput.split(separator: "\n")
        XCTAssertTrue(rows.first?.hasPrefix("id,session,start_t") ?? false)
        XCTAssertGreaterThanOrEqual(rows.count - 1, total)
        let json = try SampleMindBinary.run(["segments", "export", "--format", "json", "--db", scratch.file("api.db")])
        XCTAssertTrue(json.standardOutput.split(separator: "\n").allSatisfy {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil
        })
        let similarLines = try SampleMindBinary.run(["segments", "similar", "\(id)", "--k", "2", "--db", scratch.file("api.db")])
        XCTAssertEqual(similarLines.status, 0, similarLines.standardError)
        XCTAssertEqual(similarLines.standardOutput.split(separator: "\n").count, 2)
        let missing = try SampleMindBinary.run(["segments", "list", "--db", scratch.file("nothing.db")])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.standardError.contains("no segment database here yet"), missing.standardError)
        XCTAssertGreaterThanOrEqual((try get("/v1/segments?limit=500").1["segments"] as? [[String: Any]])?.count ?? 0, total,
                                    "nothing was deleted by any of that")
    }

    /// Kills the daemon at random moments while it writes, 20 times: each time the file is intact
    /// and holds every segment that had been announced as stored.
    func testServe_whenKilledAtRandomWhileWriting_losesNothingItAnnouncedAndStaysIntact() throws {
        let scratch = try ScratchDirectory("samplemind-crash")
        defer { scratch.remove() }
        let database = scratch.file("crash.db")
        var random = SystemRandomNumberGenerator()
        var announcedInAll = 0
        for round in 0..<20 {
            let daemon = try ServingDaemon(seconds: 20, speed: 16, loop: true, extra: ["--db", database], in: scratch)
            let client = try daemon.client()
            var announced: [Int] = []
            let killAt = Date().addingTimeInterval(Double.random(in: 1.5...3.5, using: &random))
            while Date() < killAt {
                if let segment = client.next("segment", timeout: killAt.timeIntervalSinceNow), let id = segment["id"] as? Int {
                    announced.append(id)
                }
            }
            kill(daemon.process.pid, SIGKILL)
            XCTAssertTrue(daemon.process.waitForExit(timeout: 5))
            announcedInAll += announced.count
            let check = try SQLiteDatabase(path: database, readOnly: true)
            let integrity = try check.prepare("PRAGMA integrity_check")
            XCTAssertTrue(try integrity.step())
            XCTAssertEqual(integrity.text(0), "ok", "round \(round)")
            let stored = Set(try SegmentStore(readingFrom: database).segments(limit: 100_000).map { Int($0.id) })
            for id in announced { XCTAssertTrue(stored.contains(id), "round \(round): announced segment \(id) survived the kill") }
        }
        XCTAssertGreaterThan(announcedInAll, 20, "segments were being written when the kills came")
    }
}
