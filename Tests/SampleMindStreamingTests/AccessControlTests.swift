import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

final class AccessControlTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-access") }
    override func tearDown() { scratch.remove() }

    func testToken_protectsTheStreamTheAPIAndMetricsButNotHealthOrTheDashboard() throws {
        let daemon = try ServingDaemon(seconds: 20, loop: true, extra: ["--token", "s3cret-token"], in: scratch)
        XCTAssertNotEqual(try daemon.client().handshakeStatus, 101, "no token, no stream")
        XCTAssertNotEqual(try daemon.client(headers: ["Authorization": "Bearer wrong-token"]).handshakeStatus, 101)
        XCTAssertEqual(try daemon.client(headers: ["Authorization": "Bearer s3cret-token"]).handshakeStatus, 101)
        XCTAssertEqual(try daemon.client(path: "/v1/stream?token=s3cret-token").handshakeStatus, 101, "browsers pass it in the URL")

        let status = try httpGet(port: daemon.port, path: "/v1/status")
        XCTAssertEqual(status.status, 401)
        XCTAssertTrue(status.headers.contains("www-authenticate: bearer"))
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/metrics").status, 401)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/v1/status", headers: ["Authorization": "Bearer s3cret-token"]).status, 200)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/metrics?token=s3cret-token").status, 200)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/health").status, 200)
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/").status, 200)
    }

    func testOriginAndHost_onlyThisServersPagesAndNamesGetIn() throws {
        let daemon = try ServingDaemon(seconds: 20, loop: true, extra: ["--allow-origin", "http://studio.example:3000"], in: scratch)
        let port = daemon.port
        XCTAssertEqual(try daemon.client().handshakeStatus, 101, "no Origin: not a browser, allowed")
        XCTAssertEqual(try daemon.client(headers: ["Origin": "http://127.0.0.1:\(port)"]).handshakeStatus, 101, "same origin")
        XCTAssertEqual(try daemon.client(headers: ["Origin": "http://studio.example:3000"]).handshakeStatus, 101, "listed origin")
        XCTAssertNotEqual(try daemon.client(headers: ["Origin": "http://evil.example"]).handshakeStatus, 101)
        XCTAssertNotEqual(try daemon.client(headers: ["Host": "evil.example:\(port)"]).handshakeStatus, 101, "DNS rebinding")
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status", headers: ["Host": "evil.example"]).status, 403)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status", headers: ["Host": "localhost:\(port)"]).status, 200)
    }

    func testSubprotocol_namedOrNotBothLandOnTheStream() throws {
        let daemon = try ServingDaemon(seconds: 20, loop: true, in: scratch)
        let named = try daemon.client(headers: ["Sec-WebSocket-Protocol": "samplemind.v1"])
        XCTAssertEqual(named.handshakeStatus, 101)
        XCTAssertTrue(named.handshakeResponse.lowercased().contains("sec-websocket-protocol: samplemind.v1"))
        XCTAssertEqual(named.next("hello")?["protocol_version"] as? Int, 1)
        XCTAssertEqual(try daemon.client().next("hello")?["protocol_version"] as? Int, 1)
        XCTAssertNotEqual(try daemon.client(path: "/elsewhere").handshakeStatus, 101, "only /v1/stream upgrades")
    }

    func testMaximumClients_refusesTheOneTooManyWithTryAgainLater() throws {
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--max-clients", "2"], in: scratch)
        let first = try daemon.client(), second = try daemon.client()
        XCTAssertNotNil(first.next("hello"))
        XCTAssertNotNil(second.next("hello"))
        let third = try daemon.client()
        XCTAssertEqual(third.waitForClose()?.code, 1013)
        XCTAssertNotNil(first.next("frame"), "the others carry on")
    }

    func testHost_listensOnIPv6LoopbackWhenAsked() throws {
        let daemon = try ServingDaemon(seconds: 10, loop: true, extra: ["--host", "::1"], in: scratch)
        let health = try httpGet(port: daemon.port, path: "/health", ipv6: true)
        XCTAssertEqual(health.status, 200)
        XCTAssertThrowsError(try httpGet(port: daemon.port, path: "/health"), "not on IPv4 when bound to ::1")
    }

    func testStaticFiles_neverLeaveTheDashboardDirectory() throws {
        let daemon = try ServingDaemon(seconds: 20, loop: true, in: scratch)
        let index = try httpGet(port: daemon.port, path: "/")
        XCTAssertEqual(index.status, 200)
        XCTAssertTrue(index.body.contains("<title>SampleMind</title>"))
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/app.js").status, 200)
        for attempt in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
                        "/%252e%252e/%252e%252e/etc/passwd", "/.%2e/.%2e/etc/passwd", "/app.js%00.html", "/..\\..\\etc\\passwd",
                        "/.hidden", "//etc/passwd"] {
            let response = try httpGet(port: daemon.port, path: attempt)
            XCTAssertNotEqual(response.status, 200, attempt)
            XCTAssertFalse(response.body.contains("root:"), attempt)
        }
    }
}

final class ReloadTests: XCTestCase {
    func testSIGHUP_appliesANewTokenToNewConnectionsAndSaysWhatNeedsARestart() throws {
        let scratch = try ScratchDirectory("samplemind-reload")
        defer { scratch.remove() }
        let song = scratch.file("song.wav")
        _ = try SampleMindBinary.run(["demo", "--output", song, "--seconds", "10"])
        let config = scratch.file("samplemind.toml")
        func write(token: String, channels: Int) throws {
            try """
            [input]
            kind = "file"
            channels = \(channels)
            [input.file]
            path = "\(song)"
            loop = true
            [analysis]
            realtime_priority = 0
            [server]
            port = 0
            token = "\(token)"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        }
        try write(token: "first-token-123", channels: 2)
        let daemon = try ChildProcess(SampleMindBinary.url.path, ["serve", "--config", config], label: "daemon", in: scratch)
        defer { daemon.stop(signal: SIGKILL) }
        XCTAssertTrue(daemon.waitFor("listening on http://", timeout: 10), daemon.errors)
        let line = try XCTUnwrap(daemon.errors.split(separator: "\n").first { $0.contains("listening on http://") })
        let port = try XCTUnwrap(Int(line.components(separatedBy: "http://")[1].split(separator: "/")[0].split(separator: ":").last ?? ""))
        let connected = try WebSocketTestClient(port: port, headers: ["Authorization": "Bearer first-token-123"])
        XCTAssertEqual(connected.handshakeStatus, 101)
        XCTAssertNotNil(connected.next("hello"))

        try write(token: "second-token-456", channels: 1)
        kill(daemon.pid, SIGHUP)
        XCTAssertTrue(daemon.waitFor("reloaded: server.token", timeout: 5), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("not reloaded, restart to apply: input.channels"), daemon.errors)
        XCTAssertNotEqual(try WebSocketTestClient(port: port, headers: ["Authorization": "Bearer first-token-123"]).handshakeStatus, 101,
                          "the old token no longer opens new connections")
        XCTAssertEqual(try WebSocketTestClient(port: port, headers: ["Authorization": "Bearer second-token-456"]).handshakeStatus, 101)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status?token=second-token-456").status, 200)
        XCTAssertNotNil(connected.next("frame"), "a client already connected stays")

        try "[server]\nport = \"oops\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        kill(daemon.pid, SIGHUP)
        XCTAssertTrue(daemon.waitFor("reload refused, the running configuration stays", timeout: 5), daemon.errors)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status?token=second-token-456").status, 200)
        XCTAssertTrue(daemon.isRunning)
    }
}
