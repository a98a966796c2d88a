import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

/// `samplemind collect` against a real mosquitto on 127.0.0.1: two real daemons publish rooms a
/// and b, the collector stores each segment once and serves them by room; a repeated message is
/// one row; bad payloads are refused and counted. Every wait is bounded; every process stops by PID.
final class SegmentCollectorTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var children: [() -> Void] = []

    override func setUpWithError() throws {
        scratch = try ScratchDirectory("collect")
    }

    override func tearDown() {
        for stop in children.reversed() { stop() }
        children.removeAll()
        scratch.remove()
    }

    /// The collector as a child process; returns it and its HTTP port.
    private func collector(brokerPort: Int) throws -> (ChildProcess, Int) {
        let child = try ChildProcess(SampleMindBinary.url.path,
                                     ["collect", "--mqtt", "mqtt://127.0.0.1:\(brokerPort)", "--db", scratch.file("collected.db"), "--port", "0"],
                                     label: "collector", in: scratch)
        children.append { _ = child.stop(signal: SIGKILL) }
        guard child.waitFor("collecting samplemind/+/segment", timeout: 10),
              let line = child.errors.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
              let port = Int(line.components(separatedBy: "http://127.0.0.1:").last?.split(separator: "/").first ?? "") else {
            throw MosquittoBroker.failure("the collector did not start: \(child.errors)")
        }
        return (child, port)
    }

    private func daemon(room: String, brokerPort: Int, song: String) throws -> ChildProcess {
        let environment = ["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1:\(brokerPort)", "SAMPLEMIND_MQTT_ROOM": room,
                           "SAMPLEMIND_STORAGE_SEGMENT_MAX_S": "2", "SAMPLEMIND_STORAGE_SEGMENT_MIN_S": "1"]
        let daemon = try ChildProcess(SampleMindBinary.url.path,
                                      ["serve", "--realtime-priority", "0", "--port", "0", "--db", scratch.file("\(room).db"),
                                       "--input", "file", "--file", song],
                                      environment: environment, label: "daemon-\(room)", in: scratch)
        children.append { _ = daemon.stop(signal: SIGKILL) }
        guard daemon.waitFor("listening on http://", timeout: 15) else {
            throw MosquittoBroker.failure("daemon for room \(room) did not start: \(daemon.errors)")
        }
        return daemon
    }

    private func publish(port: Int, topic: String, _ payload: [String]) throws {
        let outcome = try SampleMindBinary.run(["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-t", topic] + payload,
                                               executable: URL(fileURLWithPath: "/usr/bin/mosquitto_pub"), timeout: 10)
        XCTAssertEqual(outcome.status, 0, outcome.standardError)
    }

    private func json(_ port: Int, _ path: String) throws -> [String: Any] {
        let response = try httpGet(port: port, path: path)
        XCTAssertEqual(response.status, 200, "\(path): \(response.body)")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any], response.body)
    }

    private func segments(_ port: Int, room: String) throws -> [[String: Any]] {
        try json(port, "/v1/segments?room=\(room)&limit=500")["segments"] as? [[String: Any]] ?? []
    }

    private func metric(_ port: Int, _ name: String) throws -> Double? {
        let text = try httpGet(port: port, path: "/metrics").body
        let line = text.split(separator: "\n").first { $0.hasPrefix("samplemind_\(name){") || $0.hasPrefix("samplemind_\(name) ") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    /// Waits up to `timeout` seconds for `condition`.
    private func eventually(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(200_000)
        }
        return try condition()
    }

    func testCollect_twoRoomsSegments_areStoredOnceEachAndServedByRoom() throws {
        let song = scratch.file("song.wav")
        let made = try SampleMindBinary.run(["demo", "--output", song, "--seconds", "30"], timeout: 60)
        XCTAssertEqual(made.status, 0, made.standardError)
        let broker = try MosquittoBroker(in: scratch)
        children.append { broker.kill() }
        let (collector, port) = try collector(brokerPort: broker.port)
        let subscriber = try MQTTSubscriber(port: broker.port, filters: ["samplemind/+/segment"], in: scratch)
        children.append { subscriber.stop() }
        usleep(300_000)
        let daemons = try ["a", "b"].map { try daemon(room: $0, brokerPort: broker.port, song: song) }
        for room in ["a", "b"] {
            XCTAssertGreaterThanOrEqual(subscriber.waitFor("samplemind/\(room)/segment", count: 3, timeout: 30).count, 3,
                                        "room \(room) publishes segments: \(subscriber.errors)")
        }
        // Stop the publishers so that what the subscriber saw is everything there is.
        for daemon in daemons { _ = daemon.stop(signal: SIGTERM, timeout: 10) }
        usleep(1_000_000)

        let published = subscriber.messages().filter { $0.topic.hasSuffix("/segment") }
        XCTAssertEqual(try ProtocolSchema.violations(of: published.map(\.payload)), [], "segment messages match docs/protocol.schema.json")
        for room in ["a", "b"] {
            let sent = published.filter { $0.topic == "samplemind/\(room)/segment" }
            let expected = Set(sent.compactMap { message -> String? in
                guard let instance = message.json?["instance"] as? String, let id = message.json?["id"] as? Int else { return nil }
                return "\(instance)/\(id)"
            })
            XCTAssertEqual(expected.count, sent.count, "every message names its instance and id")
            var stored: [[String: Any]] = []
            XCTAssertTrue(try eventually(timeout: 5) {
                stored = try segments(port, room: room)
                return stored.count >= expected.count
            }, "room \(room): \(stored.count) stored of \(expected.count) published")
            XCTAssertTrue(stored.allSatisfy { $0["room"] as? String == room }, "?room=\(room) returns only room \(room)'s")
            let keys = stored.map { "\($0["instance"] as? String ?? "")/\($0["source_id"] as? Int ?? 0)" }
            XCTAssertEqual(keys.count, Set(keys).count, "each segment stored once")
            XCTAssertEqual(Set(keys), expected, "room \(room): exactly the published segments")
        }
        let instances = Set(published.compactMap { $0.json?["instance"] as? String })
        XCTAssertEqual(instances.count, 2, "each daemon's database has its own instance id")

        // The same message again (QoS 1 redelivery looks like this): still one row.
        let repeated = try XCTUnwrap(published.first { $0.topic == "samplemind/a/segment" })
        let before = try segments(port, room: "a").count
        try publish(port: broker.port, topic: repeated.topic, ["-m", repeated.payload])
        XCTAssertTrue(try eventually(timeout: 5) { try metric(port, "collector_duplicates_total") == 1 }, "the repeat is counted")
        XCTAssertEqual(try segments(port, room: "a").count, before, "and not stored again")

        // One segment in full by its id here.
        let first = try XCTUnwrap(try segments(port, room: "b").first)
        let id = try XCTUnwrap(first["id"] as? Int)
        let detail = try json(port, "/v1/segments/\(id)")
        XCTAssertEqual(detail["room"] as? String, "b")
        XCTAssertEqual((detail["chroma"] as? [Any])?.count, 12, "the timbre, chroma and MFCC travel with the message")
        XCTAssertEqual((detail["mfcc"] as? [Any])?.count, 13)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/segments/\(id)/similar?k=3").status, 200)
        XCTAssertEqual(try segments(port, room: "nowhere").count, 0)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/segments?room=a%2Fb").status, 400, "a room that cannot be a topic level")
        XCTAssertTrue(collector.isRunning)
    }

    func testCollect_malformedOrOversizedPayloads_areRefusedCountedAndLoggedOnce() throws {
        let broker = try MosquittoBroker(in: scratch)
        children.append { broker.kill() }
        let (collector, port) = try collector(brokerPort: broker.port)
        XCTAssertTrue(try eventually(timeout: 5) { try metric(port, "mqtt_connected") == 1 }, collector.errors)
        let valid = #"{"seq":1,"type":"segment","t":10,"wall_clock":1010,"id":5,"session":1,"start_t":0,"end_t":10,"start_wall":1000,"end_wall":1010,"tempo_bpm":120,"tempo_confidence":0.5,"beat_count":20,"key":"A minor","key_confidence":0.7,"loudness_lufs":-14,"loudness_range_lu":3,"peak_dbfs":-1,"onset_rate":4,"close_reason":"max_length","instance":"0123456789abcdef0123456789abcdef"}"#
        let oversized = scratch.file("big.json")
        try String(repeating: "x", count: 100_000).write(toFile: oversized, atomically: true, encoding: .utf8)
        let bad: [[String]] = [
            ["-m", "not json"],
            ["-f", oversized],
            ["-m", valid.replacingOccurrences(of: #""tempo_bpm":120"#, with: #""tempo_bpm":1e308"#)],
            ["-m", valid.replacingOccurrences(of: #""id":5"#, with: #""id":-5"#)],
            ["-m", valid.replacingOccurrences(of: #","instance":"0123456789abcdef0123456789abcdef""#, with: "")],
            ["-m", valid.replacingOccurrences(of: #""key":"A minor""#, with: #""key":"H major""#)],
            ["-m", valid.replacingOccurrences(of: #""end_t":10"#, with: #""end_t":"ten""#)],
            ["-m", "[1,2,3]"],
            ["-n"],
        ]
        for payload in bad { try publish(port: broker.port, topic: "samplemind/a/segment", payload) }
        try publish(port: broker.port, topic: "samplemind/a/segment", ["-m", valid])
        var refused: Double?
        XCTAssertTrue(try eventually(timeout: 5) {
            refused = try metric(port, "collector_messages_refused_total")
            return refused == Double(bad.count)
        }, "refused: \(String(describing: refused))")
        XCTAssertTrue(try eventually(timeout: 5) { try segments(port, room: "a").count == 1 }, "the valid one is stored")
        XCTAssertEqual(collector.errors.components(separatedBy: "refused a message").count - 1, 1, "logged once: \(collector.errors)")
        XCTAssertTrue(collector.isRunning, "never crashes")
        XCTAssertEqual(try segments(port, room: "a").first?["source_id"] as? Int, 5)
    }
}

extension SegmentCollectorTests {
    func testCollect_withWrongParameters_exitsSayingWhichAndNeverStarts() throws {
        let scratch = try ScratchDirectory("collect-args")
        defer { scratch.remove() }
        let cases: [([String], String)] = [
            (["--mqtt", "http://127.0.0.1", "--db", scratch.file("x.db"), "--port", "0"], "mqtt://HOST"),
            (["--mqtt", "mqtt://127.0.0.1", "--db", scratch.file("x.db"), "--port", "70000"], "--port must be 0–65535"),
            (["--mqtt", "mqtt://127.0.0.1", "--port", "0"], "--db"),
            (["--mqtt", "mqtt://127.0.0.1", "--db", scratch.file("x.db"), "--port", "0", "--token", "short"], "at least 8 characters"),
            (["--mqtt", "mqtt://127.0.0.1", "--db", scratch.file("x.db"), "--port", "0", "--token", "long-enough", "--token-file", "/etc/hostname"],
             "--token and --token-file are both given"),
            (["--mqtt", "mqtt://127.0.0.1", "--db", scratch.file("x.db"), "--port", "0", "--token-file", scratch.file("none")],
             "--token-file \"\(scratch.file("none"))\": cannot read the token file"),
            (["--mqtt", "mqtt://127.0.0.1", "--db", scratch.file("x.db"), "--port", "0", "--mqtt-password-file", scratch.file("none")],
             "cannot read the password file"),
            (["--mqtt", "mqtts://127.0.0.1", "--db", scratch.file("x.db"), "--port", "0", "--mqtt-ca-file", scratch.file("none")],
             "--mqtt-ca-file"),
        ]
        for (arguments, expected) in cases {
            let outcome = try SampleMindBinary.run(["collect"] + arguments, timeout: 10)
            XCTAssertNotEqual(outcome.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(outcome.standardError.contains(expected), "\(arguments): \(outcome.standardError)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.file("x.db")), "no database is made for a bad command line")
    }

    func testCollect_withCredentialsAndATokenFromFiles_connectsAndGuardsItsAPI() throws {
        let scratch = try ScratchDirectory("collect-secrets")
        defer { scratch.remove() }
        let broker = try MosquittoBroker(in: scratch, user: (name: "archive", password: "s3cret-pass"))
        defer { broker.kill() }
        try "s3cret-pass\n".write(toFile: scratch.file("password"), atomically: true, encoding: .utf8)
        try "collector-token-1\n".write(toFile: scratch.file("token"), atomically: true, encoding: .utf8)
        let collector = try ChildProcess(SampleMindBinary.url.path,
                                         ["collect", "--mqtt", "mqtt://127.0.0.1:\(broker.port)", "--db", scratch.file("c.db"), "--port", "0",
                                          "--mqtt-username", "archive", "--mqtt-password-file", scratch.file("password"),
                                          "--token-file", scratch.file("token")],
                                         label: "collector", in: scratch)
        defer { _ = collector.stop(signal: SIGKILL) }
        XCTAssertTrue(collector.waitFor("collecting samplemind/+/segment", timeout: 10), collector.errors)
        let line = try XCTUnwrap(collector.errors.split(separator: "\n").first { $0.contains("listening on http://") })
        let port = try XCTUnwrap(Int(line.components(separatedBy: "http://127.0.0.1:").last?.split(separator: "/").first ?? ""))
        XCTAssertEqual(try httpGet(port: port, path: "/v1/segments").status, 401, "the API wants the token from the file")
        let authorised = ["Authorization": "Bearer collector-token-1"]
        let deadline = Date().addingTimeInterval(10)
        var metrics = ""
        while Date() < deadline, !metrics.contains("samplemind_mqtt_connected 1") {
            metrics = try httpGet(port: port, path: "/metrics", headers: authorised).body
            usleep(200_000)
        }
        XCTAssertTrue(metrics.contains("samplemind_mqtt_connected 1"), "the broker took the user and password from the file: \(collector.errors)")
        XCTAssertEqual(try httpGet(port: port, path: "/v1/segments", headers: authorised).status, 200)
        XCTAssertFalse(collector.errors.contains("s3cret-pass") || collector.errors.contains("collector-token-1"), "secrets never logged")
    }
}
