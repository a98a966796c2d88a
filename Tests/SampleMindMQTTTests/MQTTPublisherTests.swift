import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

/// Real daemons playing SampleMind's demo song in real time, publishing to a real mosquitto on
/// 127.0.0.1, read by mosquitto_sub: rooms, retained state, the Last Will, broker restarts,
/// credentials and TLS. Every wait is bounded; brokers, daemons and subscribers stop by PID.
final class MQTTPublisherTests: XCTestCase {
    private var scratch: ScratchDirectory!
    private var song = ""
    private var children: [() -> Void] = []

    override func setUpWithError() throws {
        scratch = try ScratchDirectory("mqtt")
        song = scratch.file("song.wav")
        let made = try SampleMindBinary.run(["demo", "--output", song, "--seconds", "60"], timeout: 60)
        XCTAssertEqual(made.status, 0, made.standardError)
    }

    override func tearDown() {
        for stop in children.reversed() { stop() }
        children.removeAll()
        scratch.remove()
    }

    private func broker(user: (name: String, password: String)? = nil, tls: MosquittoBroker.TLSFiles? = nil) throws -> MosquittoBroker {
        let broker = try MosquittoBroker(in: scratch, user: user, tls: tls)
        children.append { broker.kill() }
        return broker
    }

    private func subscriber(_ broker: MosquittoBroker, extra: [String] = []) throws -> MQTTSubscriber {
        let subscriber = try MQTTSubscriber(port: broker.port, extra: extra, in: scratch)
        children.append { subscriber.stop() }
        usleep(300_000)
        return subscriber
    }

    /// A daemon publishing as `room`, with `mqtt` as environment (`SAMPLEMIND_MQTT_…`); returns it and its HTTP port.
    private func daemon(room: String, url: String, mqtt: [String: String] = [:]) throws -> (ChildProcess, Int) {
        var environment = ["SAMPLEMIND_MQTT_URL": url, "SAMPLEMIND_MQTT_ROOM": room,
                           "SAMPLEMIND_STORAGE_SEGMENT_MAX_S": "2", "SAMPLEMIND_STORAGE_SEGMENT_MIN_S": "1"]
        for (key, value) in mqtt { environment["SAMPLEMIND_MQTT_\(key)"] = value }
        let daemon = try ChildProcess(SampleMindBinary.url.path,
                                      ["serve", "--realtime-priority", "0", "--port", "0", "--db", scratch.file("\(room).db"),
                                       "--input", "file", "--file", song],
                                      environment: environment, label: "daemon-\(room)-\(UUID().uuidString.prefix(4))", in: scratch)
        children.append { daemon.stop(signal: SIGKILL) }
        guard daemon.waitFor("listening on http://", timeout: 15),
              let line = daemon.errors.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
              let port = Int(line.components(separatedBy: "http://127.0.0.1:").last?.split(separator: "/").first ?? "") else {
            throw MosquittoBroker.failure("daemon for room \(room) did not start: \(daemon.errors)")
        }
        return (daemon, port)
    }

    private func health(_ port: Int) throws -> [String: Any] {
        let response = try httpGet(port: port, path: "/health")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any], response.body)
    }

    private func metric(_ port: Int, _ name: String) throws -> Double? {
        let text = try httpGet(port: port, path: "/metrics").body
        let line = text.split(separator: "\n").first { $0.hasPrefix("samplemind_\(name){") || $0.hasPrefix("samplemind_\(name) ") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    func testTwoRooms_publishBeatsAndTempoThatOneSubscriberReceives_andALateSubscriberGetsTheRetainedState() throws {
        let broker = try broker()
        let subscriber = try subscriber(broker)
        _ = try daemon(room: "a", url: "mqtt://127.0.0.1:\(broker.port)", mqtt: ["HOME_ASSISTANT": "true", "PROTOCOL": "5"])
        _ = try daemon(room: "b", url: "mqtt://127.0.0.1:\(broker.port)", mqtt: ["PROTOCOL": "3.1.1", "FRAME_RATE_HZ": "5"])
        for room in ["a", "b"] {
            let beats = subscriber.waitFor("samplemind/\(room)/beat", count: 8, timeout: 20)
            XCTAssertGreaterThanOrEqual(beats.count, 8, "room \(room)'s beats: \(subscriber.errors)")
            for beat in beats {
                XCTAssertEqual(beat.json?["type"] as? String, "beat")
                XCTAssertNotNil(beat.json?["seq"] as? Int, "stamped like the stream's messages")
                XCTAssertLessThan(beat.arrival - (beat.json?["wall_clock"] as? Double ?? 0), 0.5, "a beat arrives as it happens")
            }
            let tempo = subscriber.waitFor("samplemind/\(room)/tempo", timeout: 10) { ($0.json?["tempo_bpm"] as? Double ?? 0) > 0 }
            XCTAssertFalse(tempo.isEmpty, "room \(room)'s tempo")
            XCTAssertFalse(subscriber.waitFor("samplemind/\(room)/level", count: 5, timeout: 5).isEmpty, "levels at level_rate_hz")
            XCTAssertEqual(subscriber.messages("samplemind/\(room)/status").first?.payload, "online")
        }
        XCTAssertGreaterThanOrEqual(subscriber.waitFor("samplemind/b/frame", count: 3, timeout: 3).count, 3, "room b sends frames")
        XCTAssertTrue(subscriber.messages("samplemind/a/frame").isEmpty, "room a sends no frames (frame_rate_hz 0)")
        let payloads = subscriber.messages().filter { $0.topic.hasPrefix("samplemind/") && !$0.topic.hasSuffix("/status") }.map(\.payload)
        XCTAssertEqual(try ProtocolSchema.violations(of: payloads), [], "payloads are the stream's messages, valid against docs/protocol.schema.json")
        let lateness = subscriber.messages("samplemind/a/beat").map { $0.arrival - ($0.json?["wall_clock"] as? Double ?? 0) }.sorted()
        if !lateness.isEmpty {
            print("mqtt: beat arrival at the subscriber minus the beat's wall clock, p50 \(lateness[lateness.count / 2] * 1000) ms, "
                  + "max \(lateness[lateness.count - 1] * 1000) ms over \(lateness.count) beats")
        }
        let levels = subscriber.messages("samplemind/a/level")
        let span = (levels.last?.arrival ?? 0) - (levels.first?.arrival ?? 0)
        XCTAssertEqual(Double(levels.count - 1) / max(span, 0.1), 10, accuracy: 2, "10 level messages per second")

        XCTAssertFalse(subscriber.waitFor("samplemind/a/key", timeout: 10).isEmpty, "room a's key")
        let late = try self.subscriber(broker)
        for topic in ["samplemind/a/tempo", "samplemind/a/key", "samplemind/a/status", "samplemind/b/tempo", "samplemind/b/status",
                      "homeassistant/sensor/samplemind_a/tempo/config"] {
            let first = late.waitFor(topic, timeout: 2).first
            XCTAssertEqual(first?.retained, true, "\(topic) is retained and arrives at once")
        }
        XCTAssertTrue(late.messages("homeassistant/sensor/samplemind_b/tempo/config").isEmpty, "room b has no discovery configs")
        let config = late.messages("homeassistant/sensor/samplemind_a/key/config").first?.json
        XCTAssertEqual(config?["state_topic"] as? String, "samplemind/a/key")
        XCTAssertTrue(late.messages("samplemind/a/beat").allSatisfy { !$0.retained }, "beats are never retained")
    }

    func testABrokerRestart_isFollowedByFreshBeatsRetainedStateAgainAndTheOutagesSegments() throws {
        let broker = try broker()
        let rooms = ["r", "s"]
        let daemons = try rooms.map { try daemon(room: $0, url: "mqtt://127.0.0.1:\(broker.port)") }
        let before = try subscriber(broker)
        for room in rooms {
            XCTAssertGreaterThanOrEqual(before.waitFor("samplemind/\(room)/beat", count: 4, timeout: 20).count, 4, "room \(room)")
            XCTAssertFalse(before.waitFor("samplemind/\(room)/segment", timeout: 10).isEmpty, "room \(room) publishes segments")
        }
        before.stop()

        broker.kill()
        let outageStart = Date().timeIntervalSince1970
        sleep(5)
        var blocksDuring: [Double] = []
        for (_, port) in daemons {
            let health = try self.health(port)
            XCTAssertEqual(health["status"] as? String, "degraded")
            XCTAssertTrue((health["reasons"] as? [String] ?? []).contains { $0.contains("MQTT broker mqtt://127.0.0.1:\(broker.port) not connected") },
                          "\(health)")
            blocksDuring.append(try XCTUnwrap(try metric(port, "analysis_blocks_total")))
        }
        try broker.start()
        let outageEnd = Date().timeIntervalSince1970
        let after = try subscriber(broker)
        for (index, room) in rooms.enumerated() {
            let (daemon, port) = daemons[index]
            // Back-off after one failed attempt is at most a few seconds; give it ten.
            let online = after.waitFor("samplemind/\(room)/status", timeout: 12).first
            XCTAssertEqual(online?.payload, "online", "room \(room) reconnects")
            // The subscriber was there first, so the broker passes the re-published tempo on as it comes.
            let tempo = after.waitFor("samplemind/\(room)/tempo", timeout: 3).first
            XCTAssertLessThan((tempo?.arrival ?? .infinity) - (online?.arrival ?? 0), 1, "tempo is published again at once on reconnect")
            let beats = after.waitFor("samplemind/\(room)/beat", count: 4, timeout: 10)
            XCTAssertGreaterThanOrEqual(beats.count, 4)
            for beat in beats {
                XCTAssertLessThan(beat.arrival - (beat.json?["wall_clock"] as? Double ?? 0), 1, "no beat older than 1 s after reconnecting")
            }
            // Every segment the daemon stored during the outage arrives after it.
            let listed = try httpGet(port: port, path: "/v1/segments?limit=500").body
            let stored = (try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [String: Any])?["segments"] as? [[String: Any]] ?? []
            let madeDuring = Set(stored.filter {
                let end = $0["end_wall"] as? Double ?? 0
                return end > outageStart && end < outageEnd
            }.compactMap { $0["id"] as? Int })
            XCTAssertFalse(madeDuring.isEmpty, "room \(room) stored segments during the outage")
            var arrived = Set<Int>()
            let deadline = Date().addingTimeInterval(5)
            repeat {
                arrived = Set(after.messages("samplemind/\(room)/segment").compactMap { $0.json?["id"] as? Int })
                if madeDuring.isSubset(of: arrived) { break }
                usleep(100_000)
            } while Date() < deadline
            XCTAssertEqual(madeDuring.subtracting(arrived), [], "room \(room): every segment stored during the outage arrives after it")
            XCTAssertGreaterThan(try XCTUnwrap(try metric(port, "analysis_blocks_total")), blocksDuring[index], "analysis went on")
            XCTAssertEqual(try metric(port, "ring_overruns_total"), 0, "the analysis never fell behind")
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(try metric(port, "mqtt_reconnects_total")), 1)
            XCTAssertGreaterThan(try XCTUnwrap(try metric(port, "mqtt_messages_dropped_total")), 0, "beats and levels of the outage were dropped")
            XCTAssertEqual(try metric(port, "mqtt_connected"), 1)
            let outageLines = daemon.errors.split(separator: "\n").filter { $0.contains("not connected") }
            XCTAssertEqual(outageLines.count, 1, "the outage is logged once: \(daemon.errors)")
            XCTAssertTrue(daemon.errors.contains("MQTT: connected to mqtt://127.0.0.1:\(broker.port) again"), daemon.errors)
        }
    }

    func testABrokerThatIsNotThereAtStart_isConnectedToOnceItIs() throws {
        let broker = try MosquittoBroker(in: scratch, startNow: false)
        children.append { broker.kill() }
        let (daemon, port) = try daemon(room: "early", url: "mqtt://127.0.0.1:\(broker.port)")
        sleep(2)
        XCTAssertEqual(try metric(port, "mqtt_connected"), 0)
        try broker.start()
        let subscriber = try subscriber(broker)
        XCTAssertFalse(subscriber.waitFor("samplemind/early/beat", timeout: 15).isEmpty, "beats once the broker is up: \(daemon.errors)")
        XCTAssertEqual(try metric(port, "mqtt_connected"), 1)
    }

    func testAFrozenBroker_neverHoldsUpTheAnalysisOrThePublisher() throws {
        let broker = try broker()
        let (daemon, port) = try daemon(room: "frozen", url: "mqtt://127.0.0.1:\(broker.port)", mqtt: ["FRAME_RATE_HZ": "100"])
        let subscriber = try subscriber(broker)
        XCTAssertFalse(subscriber.waitFor("samplemind/frozen/beat", timeout: 15).isEmpty)
        let pid = try XCTUnwrap(broker.pid)
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGCONT) }
        let blocks = try XCTUnwrap(try metric(port, "analysis_blocks_total"))
        let sent = try XCTUnwrap(try metric(port, "mqtt_messages_sent_total"))
        sleep(4)
        // The broker reads nothing; the socket fills; libmosquitto queues; nothing waits.
        XCTAssertGreaterThan(try XCTUnwrap(try metric(port, "analysis_blocks_total")) - blocks, 300, "about 100 hops a second go on")
        XCTAssertGreaterThan(try XCTUnwrap(try metric(port, "mqtt_messages_sent_total")) - sent, 300, "the publisher keeps handing messages over")
        XCTAssertFalse(daemon.errors.contains("a consumer fell behind"), "the publisher's queue never filled: \(daemon.errors)")
        XCTAssertTrue(daemon.isRunning)
        kill(pid, SIGCONT)
        let after = subscriber.messages("samplemind/frozen/beat").count
        XCTAssertGreaterThan(subscriber.waitFor("samplemind/frozen/beat", count: after + 2, timeout: 10).count, after, "beats flow again")
    }

    func testStopping_whileTheBrokerIsAwayOrFrozen_takesUnderTwoSeconds() throws {
        let away = try MosquittoBroker(in: scratch, startNow: false)
        let (lonely, _) = try daemon(room: "lonely", url: "mqtt://127.0.0.1:\(away.port)")
        sleep(3)
        let lonelyStop = try XCTUnwrap(lonely.stop(timeout: 10), "stopped by SIGTERM")
        XCTAssertLessThan(lonelyStop, 2, "back-off between attempts does not delay the stop")
        XCTAssertEqual(lonely.process.terminationStatus, 0)

        let broker = try broker()
        let (daemon, _) = try daemon(room: "stuck", url: "mqtt://127.0.0.1:\(broker.port)")
        let subscriber = try subscriber(broker)
        XCTAssertFalse(subscriber.waitFor("samplemind/stuck/status", timeout: 10).isEmpty)
        let pid = try XCTUnwrap(broker.pid)
        kill(pid, SIGSTOP)
        defer { kill(pid, SIGCONT) }
        sleep(2)
        let stuckStop = try XCTUnwrap(daemon.stop(timeout: 10), "stopped by SIGTERM")
        XCTAssertLessThan(stuckStop, 2, "a broker that reads nothing does not delay the stop")
        XCTAssertEqual(daemon.process.terminationStatus, 0)
    }

    func testADaemonKilledWithoutWarning_isMarkedOfflineByItsLastWill() throws {
        let broker = try broker()
        let subscriber = try subscriber(broker)
        let (daemon, _) = try daemon(room: "gone", url: "mqtt://127.0.0.1:\(broker.port)", mqtt: ["PROTOCOL": "5"])
        XCTAssertEqual(subscriber.waitFor("samplemind/gone/status", timeout: 10).first?.payload, "online")
        daemon.stop(signal: SIGKILL)
        let status = subscriber.waitFor("samplemind/gone/status", count: 2, timeout: 10)
        XCTAssertEqual(status.last?.payload, "offline", "the broker publishes the Last Will")
        let late = try self.subscriber(broker)
        let retained = late.waitFor("samplemind/gone/status", timeout: 3).first
        XCTAssertEqual(retained?.payload, "offline")
        XCTAssertEqual(retained?.retained, true)
    }

    func testWrongCredentials_degradeHealthWithTheReasonWhileAnalysisGoesOn_andTheRightOnesConnect() throws {
        let broker = try broker(user: ("sampler", "right-password"))
        let passwordFile = scratch.file("mqtt-password")
        try "wrong-password\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let (wrong, port) = try daemon(room: "w", url: "mqtt://127.0.0.1:\(broker.port)",
                                       mqtt: ["USERNAME": "sampler", "PASSWORD_FILE": passwordFile])
        XCTAssertTrue(wrong.waitFor("refused the connection", timeout: 10), wrong.errors)
        XCTAssertFalse(wrong.errors.contains("wrong-password"), "the password is never logged")
        let health = try self.health(port)
        XCTAssertEqual(health["status"] as? String, "degraded")
        XCTAssertTrue((health["reasons"] as? [String] ?? []).contains { $0.contains("refused the connection") && $0.contains("mqtt.username") },
                      "\(health)")
        let blocks = try XCTUnwrap(try metric(port, "analysis_blocks_total"))
        sleep(1)
        XCTAssertGreaterThan(try XCTUnwrap(try metric(port, "analysis_blocks_total")), blocks, "analysis goes on")
        XCTAssertEqual(try metric(port, "mqtt_connected"), 0)

        try "right-password\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let subscriber = try subscriber(broker, extra: ["-u", "sampler", "-P", "right-password"])
        let (_, rightPort) = try daemon(room: "ok", url: "mqtt://127.0.0.1:\(broker.port)",
                                        mqtt: ["USERNAME": "sampler", "PASSWORD_FILE": passwordFile])
        XCTAssertFalse(subscriber.waitFor("samplemind/ok/beat", timeout: 20).isEmpty, subscriber.errors)
        XCTAssertEqual(try metric(rightPort, "mqtt_connected"), 1)
    }

    func testTLS_withTheBrokersCAConnects_andWithAnotherCAIsRefusedAndReported() throws {
        let certificates = try TestCertificates(named: "broker", in: scratch)
        let stranger = try TestCertificates(named: "stranger", serverCertificate: false, in: scratch)
        let broker = try broker(tls: .init(caFile: certificates.caFile, certificateFile: certificates.certificateFile, keyFile: certificates.keyFile))
        let subscriber = try subscriber(broker, extra: ["--cafile", certificates.caFile])
        let url = "mqtts://127.0.0.1:\(broker.port)"
        let (_, port) = try daemon(room: "tls", url: url, mqtt: ["CA_FILE": certificates.caFile])
        XCTAssertFalse(subscriber.waitFor("samplemind/tls/beat", timeout: 20).isEmpty, "beats over TLS: \(subscriber.errors)")
        XCTAssertEqual(try metric(port, "mqtt_connected"), 1)

        let (refused, refusedPort) = try daemon(room: "untrusting", url: url, mqtt: ["CA_FILE": stranger.caFile])
        sleep(3)
        XCTAssertEqual(try metric(refusedPort, "mqtt_connected"), 0)
        let reasons = try health(refusedPort)["reasons"] as? [String] ?? []
        XCTAssertTrue(reasons.contains { $0.contains("not connected") && $0.contains("certificate verify failed") }, "\(reasons)")
        XCTAssertTrue(subscriber.messages("samplemind/untrusting/beat").isEmpty, "nothing goes out over an untrusted link")
        XCTAssertTrue(refused.isRunning, "the daemon keeps analysing")
    }

    func testBadConfigurationValues_exitWith78NamingTheKey() throws {
        let missing = scratch.file("no-such-file")
        let cases: [([String: String], String)] = [
            (["SAMPLEMIND_MQTT_URL": "http://127.0.0.1:1883"], "mqtt.url"),
            (["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1:99999"], "mqtt.url"),
            (["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1", "SAMPLEMIND_MQTT_ROOM": "a/b"], "mqtt.room"),
            (["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1", "SAMPLEMIND_MQTT_ROOM": "+"], "mqtt.room"),
            (["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1", "SAMPLEMIND_MQTT_ROOM": ""], "mqtt.room"),
            (["SAMPLEMIND_MQTT_URL": "mqtts://127.0.0.1", "SAMPLEMIND_MQTT_CA_FILE": missing], "mqtt.ca_file"),
            (["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1", "SAMPLEMIND_MQTT_PASSWORD_FILE": missing], "mqtt.password_file"),
            (["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1", "SAMPLEMIND_MQTT_PROTOCOL": "4"], "mqtt.protocol"),
            (["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1", "SAMPLEMIND_MQTT_QOS_EVENTS": "3"], "mqtt.qos_events"),
            (["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1", "SAMPLEMIND_MQTT_CLIENT_ID": ""], "mqtt.client_id"),
            (["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1", "SAMPLEMIND_MQTT_CA_FILE": song], "mqtt.ca_file"),
        ]
        for (environment, key) in cases {
            let daemon = try ChildProcess(SampleMindBinary.url.path, ["serve", "--realtime-priority", "0", "--port", "0", "--no-storage",
                                                                      "--input", "file", "--file", song],
                                          environment: environment, label: "bad-\(UUID().uuidString.prefix(6))", in: scratch)
            children.append { daemon.stop(signal: SIGKILL) }
            XCTAssertTrue(daemon.waitForExit(timeout: 10), "\(environment) makes the daemon exit")
            XCTAssertEqual(daemon.process.terminationStatus, 78, "\(environment): \(daemon.errors)")
            XCTAssertTrue(daemon.errors.contains(key), "\(environment) names \(key): \(daemon.errors)")
            XCTAssertFalse(daemon.errors.contains("listening on"), "nothing started")
        }
    }

    func testCheckConfig_neverShowsTheMQTTPassword() throws {
        let passwordFile = scratch.file("mqtt-password")
        try "from-the-file\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let shown = try SampleMindBinary.run(["check-config"], environment: ["SAMPLEMIND_MQTT_PASSWORD_FILE": passwordFile], timeout: 20)
        XCTAssertEqual(shown.status, 0, shown.standardError)
        XCTAssertTrue(shown.standardOutput.contains("mqtt.password = (set, hidden)"), shown.standardOutput)
        XCTAssertFalse((shown.standardOutput + shown.standardError).contains("from-the-file"))
        let both = try SampleMindBinary.run(["check-config"], environment: ["SAMPLEMIND_MQTT_PASSWORD_FILE": passwordFile,
                                                                            "SAMPLEMIND_MQTT_PASSWORD": "inline-secret"], timeout: 20)
        XCTAssertEqual(both.status, 78)
        XCTAssertTrue(both.standardError.contains("mqtt.password and mqtt.password_file are both set"), both.standardError)
        XCTAssertFalse(both.standardError.contains("inline-secret"))
    }

    func testMQTTOff_whenNoURLIsSet_startsNoPublisher() throws {
        let (daemon, port) = try daemon(room: "off", url: "")
        sleep(1)
        let metrics = try httpGet(port: port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("samplemind_analysis_blocks_total"), metrics)
        XCTAssertFalse(metrics.contains("samplemind_mqtt_"), "no MQTT counters without MQTT")
        XCTAssertFalse(daemon.errors.contains("MQTT"), daemon.errors)
        XCTAssertEqual(try health(port)["status"] as? String, "ok")
    }
}
