import Foundation
import Glibc
import SampleMindTestSupport
@testable import SampleMindStreaming
import XCTest

/// What a hostile or careless HTTP client can send the daemon, and what it must answer.
final class HostileHTTPTests: XCTestCase {
    private func request(_ text: String) -> [UInt8] { Array(text.utf8) }

    func testMethodsOtherThanGETAndHEAD_areAnswered405WithAllow_evenWithABody() throws {
        let scratch = try ScratchDirectory("http-methods")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--no-storage"], in: scratch)
        defer { daemon.process.stop() }
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
            let (response, _) = try httpExchange(port: daemon.port, request("\(method) /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                                                 untilResponseEnds: true)
            XCTAssertEqual(response.status, 405, method)
            XCTAssertTrue(response.headers.contains("allow: get, head"), "\(method): \(response.headers)")
        }
        let body = "{\"type\":\"control\",\"command\":\"reset\"}"
        let (withBody, _) = try httpExchange(
            port: daemon.port, request("POST /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"),
            untilResponseEnds: true)
        XCTAssertEqual(withBody.status, 405)
        let promised = withBody.headers.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
        XCTAssertEqual(promised, withBody.body.utf8.count, "the body promised is the body sent")
        XCTAssertTrue(withBody.body.contains("method_not_allowed"), withBody.body)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/health").status, 200, "GET still works")
    }

    func testHEAD_answersTheHeadersOfGETWithoutABody() throws {
        let scratch = try ScratchDirectory("http-head")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--no-storage"], in: scratch)
        defer { daemon.process.stop() }
        for path in ["/health", "/v1/status", "/metrics", "/", "/no-such-file"] {
            let get = try httpGet(port: daemon.port, path: path)
            let (head, _) = try httpExchange(port: daemon.port, request("HEAD \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
                                             timeout: 3)
            XCTAssertEqual(head.status, get.status, path)
            XCTAssertEqual(head.body, "", "\(path): HEAD has no body")
            XCTAssertTrue(head.headers.contains("content-type:"), "\(path): \(head.headers)")
        }
    }

    func testQuery_whenAnArgumentIsLong_theArgumentsAfterItStillCount() throws {
        let scratch = try ScratchDirectory("http-query")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--db", scratch.file("q.db")], in: scratch)
        defer { daemon.process.stop() }
        let long = String(repeating: "a", count: 600)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/v1/segments?x=\(long)&limit=0").status, 400,
                       "a bad limit after a 600-byte argument is refused")
        let filtered = try httpGet(port: daemon.port, path: "/v1/segments?x=\(long)&session=999")
        XCTAssertEqual(filtered.status, 200)
        XCTAssertTrue(filtered.body.contains("\"segments\":[]"), "the session filter after it applies: \(filtered.body.prefix(200))")
        let tooLong = String(repeating: "b", count: 2_000)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/v1/segments?x=\(tooLong)").status, 414, "an argument over 1 KB is refused")
        let many = (0..<40).map { "a\($0)=1" }.joined(separator: "&")
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/v1/segments?\(many)").status, 414, "more than 32 arguments are refused")
    }

    func testRefusedWebSocketHandshakes_answer401Or403AsDocumented() throws {
        let scratch = try ScratchDirectory("http-handshake")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--no-storage", "--token", "s3cret-token"], in: scratch)
        defer { daemon.process.stop() }
        func upgrade(_ extra: String, path: String = "/v1/stream") throws -> HTTPTestResponse {
            try httpExchange(port: daemon.port, request("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(daemon.port)\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\(extra)\r\n"),
                             untilResponseEnds: true).response
        }
        let noToken = try upgrade("")
        XCTAssertEqual(noToken.status, 401)
        XCTAssertTrue(noToken.headers.contains("www-authenticate: bearer"), noToken.headers)
        XCTAssertEqual(try upgrade("Authorization: Bearer wrong-token\r\n").status, 401)
        XCTAssertEqual(try upgrade("Authorization: Bearer s3cret-token\r\nOrigin: http://evil.example\r\n").status, 403)
        XCTAssertEqual(try upgrade("Authorization: Bearer s3cret-token\r\n", path: "/elsewhere").status, 404)
        XCTAssertEqual(try upgrade("Authorization: Bearer s3cret-token\r\n").status, 101)
    }

    func testClientsBeyondTheMaximum_areCountedAsServerFull() throws {
        let scratch = try ScratchDirectory("http-full")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--no-storage", "--max-clients", "1"], in: scratch)
        defer { daemon.process.stop() }
        let first = try daemon.client()
        XCTAssertNotNil(first.next("hello"))
        let second = try daemon.client()
        XCTAssertEqual(second.waitForClose()?.code, 1013)
        let metrics = try httpGet(port: daemon.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("samplemind_clients_closed_total{reason=\"server_full\"} 1"), metrics)
    }

    func testCONNECT_isAnswered405AndClosedAtOnce() throws {
        let scratch = try ScratchDirectory("http-connect")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--no-storage"], in: scratch)
        defer { daemon.process.stop() }
        let started = Date()
        let (response, closed) = try httpExchange(port: daemon.port, request("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
                                                  timeout: 8)
        XCTAssertTrue(closed, "the connection is closed")
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "at once, not after a timeout")
        XCTAssertEqual(response.status, 405)
    }

    func testOversizedRequests_get414And431() throws {
        let scratch = try ScratchDirectory("http-oversized")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--no-storage"], in: scratch)
        defer { daemon.process.stop() }
        let longPath = "/" + String(repeating: "p", count: 6_000)
        XCTAssertEqual(try httpGet(port: daemon.port, path: longPath).status, 414)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/health", headers: ["Cookie": String(repeating: "h", count: 10_000)]).status, 431)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/health").status, 200)
    }

    func testNonSubscriberConnectionsIdleOut() throws {
        let scratch = try ScratchDirectory("http-idle")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--no-storage"], in: scratch)
        defer { daemon.process.stop() }
        let started = Date()
        // Half a request, then nothing: closed by the server well before a minute.
        let (_, closed) = try httpExchange(port: daemon.port, request("GET /health HTTP/1.1\r\nHost: 127"), timeout: 60)
        XCTAssertTrue(closed)
        XCTAssertLessThan(Date().timeIntervalSince(started), 45, "closed after the idle limit (15 s, 3× margin)")
    }

    func testWhenDescriptorsRunOut_healthStillAnswersAndTheLogStaysShort() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/prlimit") else { throw XCTSkip("prlimit (util-linux) is not installed") }
        let scratch = try ScratchDirectory("http-descriptors")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--no-storage"], launcher: ["/usr/bin/prlimit", "--nofile=300:300"],
                                       in: scratch)
        defer { daemon.process.stop() }
        let linesBefore = daemon.process.errors.split(separator: "\n").count
        var hostile: [Int32] = []
        defer { hostile.forEach { close($0) } }
        for n in 0..<295 {
            let fd = connectLoopback(port: daemon.port)
            guard fd >= 0 else { continue }
            let text: String
            switch n % 3 {
            case 0: text = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n"
            case 1: text = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
            default: text = ""
            }
            if !text.isEmpty { _ = text.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) } }
            hostile.append(fd)
        }
        var latencies: [Double] = []
        for _ in 0..<50 {
            let started = Date()
            let response = try? httpGet(port: daemon.port, path: "/health")
            latencies.append(response?.status == 200 ? Date().timeIntervalSince(started) : 99)
        }
        latencies.sort()
        let p99 = latencies[Int(0.99 * Double(latencies.count - 1))]
        print("health under 295 hostile connections at ulimit -n 300: p50 \(latencies[latencies.count / 2] * 1000) ms, p99 \(p99 * 1000) ms")
        XCTAssertLessThan(p99, 1.0, "/health answers within 1 s at p99")
        XCTAssertTrue(daemon.process.isRunning)
        let newLines = daemon.process.errors.split(separator: "\n").dropFirst(linesBefore)
        XCTAssertLessThanOrEqual(newLines.count, 5, "a few lines at most: \(newLines.prefix(20))")
    }

    func testWithJSONLogs_libWebSocketsOwnLinesAreJSONToo() throws {
        let scratch = try ScratchDirectory("http-json-log")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--no-storage", "--log-format", "json"], in: scratch)
        defer { daemon.process.stop() }
        // Headers larger than libwebsockets has room for make it log a warning of its own.
        _ = try httpExchange(port: daemon.port, request("GET / HTTP/1.1\r\nX-A: " + String(repeating: "a", count: 20_000) + "\r\n\r\n"), timeout: 2)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !daemon.process.errors.contains("libwebsockets") { usleep(50_000) }
        let lines = daemon.process.errors.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.contains("libwebsockets") }, "libwebsockets said something: \(lines)")
        for line in lines {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
    }
}

final class ConnectionGuardTests: XCTestCase {
    func testOpened_whenDescriptorsWouldRunShort_closesTheConnectionsIdleLongest() {
        var guardian = ConnectionGuard(descriptorLimit: ConnectionGuard.reservedDescriptors + 10, idleSeconds: 15)
        for key in 0..<10 { XCTAssertTrue(guardian.opened(key, now: Double(key), subscribers: 0).close.isEmpty) }
        guardian.active(0, now: 20)
        let (close, began) = guardian.opened(10, now: 21, subscribers: 0)
        XCTAssertEqual(close, [1], "the one idle longest (0 was active since) makes room")
        XCTAssertTrue(began, "the first closing of an episode is reported, to be logged once")
        XCTAssertFalse(guardian.opened(11, now: 22, subscribers: 0).crowdingBegan, "later ones are not")
        XCTAssertEqual(guardian.count, 10)
    }

    func testOpened_countsSubscribersAgainstTheDescriptorsButNeverClosesThem() {
        var guardian = ConnectionGuard(descriptorLimit: ConnectionGuard.reservedDescriptors + 10, idleSeconds: 15)
        XCTAssertEqual(guardian.opened(1, now: 0, subscribers: 9).close, [])
        XCTAssertEqual(guardian.opened(2, now: 1, subscribers: 9).close, [1])
    }

    func testExpired_closesIdleConnectionsAndEndsTheEpisodeOnceBackUnder80Percent() {
        var guardian = ConnectionGuard(descriptorLimit: ConnectionGuard.reservedDescriptors + 10, idleSeconds: 15)
        for key in 0..<11 { _ = guardian.opened(key, now: Double(key) / 10, subscribers: 0) }
        XCTAssertEqual(guardian.closedForRoom, 1, "the eleventh made room by closing the first")
        guardian.active(5, now: 10)
        let (idle, ended) = guardian.expired(now: 17, subscribers: 0)
        XCTAssertEqual(Set(idle), Set(1...10).subtracting([5]))
        XCTAssertTrue(ended)
        XCTAssertEqual(guardian.count, 1)
        XCTAssertFalse(guardian.expired(now: 18, subscribers: 0).crowdingEnded, "once")
    }

    func testForget_stopsTrackingSubscribersAndClosedConnections() {
        var guardian = ConnectionGuard(descriptorLimit: 1_000, idleSeconds: 1)
        _ = guardian.opened(7, now: 0, subscribers: 0)
        guardian.forget(7)
        XCTAssertEqual(guardian.expired(now: 100, subscribers: 0).close, [])
    }
}
