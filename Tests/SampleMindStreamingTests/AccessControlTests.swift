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
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-reload") }
    override func tearDown() { scratch.remove() }

    /// A configuration that plays `song` in a loop and serves on a free port, with `server` added to [server].
    private func configuration(song: String, channels: Int = 2, server: String) -> String {
        """
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
        \(server)
        """
    }

    private func demoSong() throws -> String {
        let song = scratch.file("song.wav")
        _ = try SampleMindBinary.run(["demo", "--output", song, "--seconds", "10"])
        return song
    }

    /// The daemon serving with `config`, once it listens, and its port. The caller stops it.
    private func serve(_ config: String, _ arguments: [String] = []) throws -> (daemon: ChildProcess, port: Int) {
        let daemon = try ChildProcess(SampleMindBinary.url.path, ["serve", "--config", config] + arguments, label: "daemon", in: scratch)
        guard daemon.waitFor("listening on http://", timeout: 10),
              let line = daemon.errors.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
              let port = Int(line.components(separatedBy: "http://")[1].split(separator: "/")[0].split(separator: ":").last ?? "") else {
            daemon.stop(signal: SIGKILL)
            throw NSError(domain: "ReloadTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "no port: \(daemon.errors)"])
        }
        return (daemon, port)
    }

    /// Sends SIGHUP and waits up to 5 s until the log says `text`.
    private func reload(_ daemon: ChildProcess, until text: String) -> Bool {
        kill(daemon.pid, SIGHUP)
        return daemon.waitFor(text, timeout: 5)
    }

    func testSIGHUP_appliesANewTokenToNewConnectionsAndSaysWhatNeedsARestart() throws {
        let song = try demoSong()
        let config = scratch.file("samplemind.toml")
        try configuration(song: song, server: "token = \"first-token-123\"").write(toFile: config, atomically: true, encoding: .utf8)
        let (daemon, port) = try serve(config)
        defer { daemon.stop(signal: SIGKILL) }
        let connected = try WebSocketTestClient(port: port, headers: ["Authorization": "Bearer first-token-123"])
        XCTAssertEqual(connected.handshakeStatus, 101)
        XCTAssertNotNil(connected.next("hello"))

        try configuration(song: song, channels: 1, server: "token = \"second-token-456\"")
            .write(toFile: config, atomically: true, encoding: .utf8)
        XCTAssertTrue(reload(daemon, until: "reloaded: server.token"), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("not reloaded, restart to apply: input.channels"), daemon.errors)
        XCTAssertNotEqual(try WebSocketTestClient(port: port, headers: ["Authorization": "Bearer first-token-123"]).handshakeStatus, 101,
                          "the old token no longer opens new connections")
        XCTAssertEqual(try WebSocketTestClient(port: port, headers: ["Authorization": "Bearer second-token-456"]).handshakeStatus, 101)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status?token=second-token-456").status, 200)
        XCTAssertNotNil(connected.next("frame"), "a client already connected stays")

        try "[server]\nport = \"oops\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        XCTAssertTrue(reload(daemon, until: "reload refused, the running configuration stays"), daemon.errors)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status?token=second-token-456").status, 200)
        XCTAssertTrue(daemon.isRunning)
    }

    func testSIGHUP_whenANulByteIsInsertedBeforeTheToken_refusesTheReloadAndStillDemandsTheToken() throws {
        let config = scratch.file("samplemind.toml")
        let text = configuration(song: try demoSong(), server: "token = \"s3cret-token-1\"")
        try text.write(toFile: config, atomically: true, encoding: .utf8)
        let (daemon, port) = try serve(config)
        defer { daemon.stop(signal: SIGKILL) }

        // Read as a C string, the file would end at the NUL and the token after it would be gone.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let tokenLine = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("token =") })
        let damaged = lines[..<tokenLine].joined(separator: "\n") + "\n\u{0}\n" + lines[tokenLine...].joined(separator: "\n")
        try damaged.write(toFile: config, atomically: true, encoding: .utf8)
        let check = try SampleMindBinary.run(["check-config", config])
        XCTAssertEqual(check.status, 78, check.standardOutput)
        XCTAssertTrue(check.standardError.contains("samplemind.toml:\(tokenLine + 1):1: the file contains a NUL byte (0x00)"),
                      check.standardError)

        XCTAssertTrue(reload(daemon, until: "reload refused, the running configuration stays"), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("the file contains a NUL byte"), daemon.errors)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status").status, 401, "the token is still demanded")
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status?token=s3cret-token-1").status, 200)
    }

    func testSIGHUP_whenTokenOriginsOrHostsChange_warnsWhatChangedWithoutLoggingTheToken() throws {
        let song = try demoSong()
        let config = scratch.file("samplemind.toml")
        try configuration(song: song, server: "token = \"s3cret-token-1\"").write(toFile: config, atomically: true, encoding: .utf8)
        let (daemon, port) = try serve(config)
        defer { daemon.stop(signal: SIGKILL) }

        let access = "allowed_origins = [\"http://studio.example:3000\"]\nallowed_hosts = [\"studio.local\"]"
        try configuration(song: song, server: "token = \"s3cret-token-2\"\n" + access).write(toFile: config, atomically: true, encoding: .utf8)
        XCTAssertTrue(reload(daemon, until: "warning: reload: the access token changed; clients must use the new one"), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("warning: reload: allowed origins changed: [] → [\"http://studio.example:3000\"]"),
                      daemon.errors)
        XCTAssertTrue(daemon.errors.contains("warning: reload: allowed hosts changed: [] → [\"studio.local\"]"), daemon.errors)

        try configuration(song: song, server: access).write(toFile: config, atomically: true, encoding: .utf8)
        XCTAssertTrue(reload(daemon, until: "warning: reload: the access token was removed; /v1, /metrics and the stream are now open to anyone who can reach the port"), daemon.errors)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status").status, 200)
        XCTAssertEqual(daemon.errors.components(separatedBy: "allowed origins changed").count, 2, "unchanged origins are not reported")

        try configuration(song: song, server: "token = \"s3cret-token-3\"\n" + access).write(toFile: config, atomically: true, encoding: .utf8)
        XCTAssertTrue(reload(daemon, until: "warning: reload: an access token is now required"), daemon.errors)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status").status, 401)
        XCTAssertFalse(daemon.errors.contains("s3cret"), "the token is never logged: \(daemon.errors)")
    }

    func testSIGHUP_withATokenFile_readsTheTokenAgainAndNeverLogsIt() throws {
        let config = scratch.file("samplemind.toml")
        try configuration(song: try demoSong(), server: "").write(toFile: config, atomically: true, encoding: .utf8)
        let tokenFile = scratch.file("token")
        try "s3cret-token-1\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let (daemon, port) = try serve(config, ["--token-file", tokenFile])
        defer { daemon.stop(signal: SIGKILL) }
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status").status, 401)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status?token=s3cret-token-1").status, 200)

        try "s3cret-token-2\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        XCTAssertTrue(reload(daemon, until: "reload: the access token changed"), daemon.errors)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status?token=s3cret-token-1").status, 401)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status?token=s3cret-token-2").status, 200)

        try FileManager.default.removeItem(atPath: tokenFile)
        XCTAssertTrue(reload(daemon, until: "reload refused, the running configuration stays"), daemon.errors)
        XCTAssertTrue(daemon.errors.contains("server.token_file \"\(tokenFile)\": cannot read the token file: there is no such file"),
                      daemon.errors)
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status").status, 401, "the token stays")
        XCTAssertEqual(try httpGet(port: port, path: "/v1/status?token=s3cret-token-2").status, 200)
        XCTAssertFalse(daemon.errors.contains("s3cret"), "the token is never logged: \(daemon.errors)")
    }
}
