import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

/// The venue set-up docs/scale-out.md describes, from the files in systemd/: the broker's
/// configuration and access list run in a real mosquitto (listener moved to a free port of
/// 127.0.0.1, files into the scratch directory), and the unit files pass `systemd-analyze verify`.
final class VenueSetupTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func shipped(_ name: String) throws -> String {
        try String(contentsOf: repository.appendingPathComponent("systemd/\(name)"), encoding: .utf8)
    }

    func testBrokerConfiguration_letsEachRoomWriteOnlyItsOwnTopicsAndConsumersOnlyRead() throws {
        let scratch = try ScratchDirectory("venue")
        defer { scratch.remove() }
        let passwords = scratch.file("samplemind.passwd")
        for (index, user) in ["studio-a", "collector", "viewer", "homeassistant"].enumerated() {
            let made = try SampleMindBinary.run((index == 0 ? ["-c"] : []) + ["-b", passwords, user, "\(user)-password"],
                                                executable: URL(fileURLWithPath: "/usr/bin/mosquitto_passwd"), timeout: 10)
            XCTAssertEqual(made.status, 0, made.standardError)
        }
        try Self.shipped("mosquitto-samplemind.acl").write(toFile: scratch.file("samplemind.acl"), atomically: true, encoding: .utf8)
        let shipped = try Self.shipped("mosquitto-samplemind.conf")
        let broker = try MosquittoBroker(in: scratch) { port in
            shipped.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                switch line.split(separator: " ").first {
                case "listener": return "listener \(port) 127.0.0.1"
                case "password_file": return "password_file \(passwords)"
                case "acl_file": return "acl_file \(scratch.file("samplemind.acl"))"
                default: return String(line)
                }
            }.joined(separator: "\n")
        }
        defer { broker.kill() }
        func client(_ user: String) -> [String] { ["-u", user, "-P", "\(user)-password"] }
        func publish(_ user: String, _ topic: String, _ message: String) throws {
            let outcome = try SampleMindBinary.run(["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", topic, "-m", message] + client(user),
                                                   executable: URL(fileURLWithPath: "/usr/bin/mosquitto_pub"), timeout: 10)
            XCTAssertEqual(outcome.status, 0, "\(user) → \(topic): \(outcome.standardError)")
        }
        let viewer = try MQTTSubscriber(port: broker.port, filters: ["samplemind/#"], extra: client("viewer"), in: scratch)
        defer { viewer.stop() }
        let collector = try MQTTSubscriber(port: broker.port, filters: ["samplemind/#"], extra: client("collector"), in: scratch)
        defer { collector.stop() }
        let homeAssistant = try MQTTSubscriber(port: broker.port, filters: ["homeassistant/#"], extra: client("homeassistant"), in: scratch)
        defer { homeAssistant.stop() }
        usleep(500_000)

        // A real daemon as room studio-a, logging in as its room.
        let song = scratch.file("song.wav")
        XCTAssertEqual(try SampleMindBinary.run(["demo", "--output", song, "--seconds", "20"], timeout: 60).status, 0)
        let environment = ["SAMPLEMIND_MQTT_URL": "mqtt://127.0.0.1:\(broker.port)", "SAMPLEMIND_MQTT_ROOM": "studio-a",
                           "SAMPLEMIND_MQTT_USERNAME": "studio-a", "SAMPLEMIND_MQTT_PASSWORD": "studio-a-password",
                           "SAMPLEMIND_MQTT_HOME_ASSISTANT": "true"]
        let daemon = try ChildProcess(SampleMindBinary.url.path, ["serve", "--realtime-priority", "0", "--port", "0", "--no-storage",
                                                                  "--input", "file", "--file", song],
                                      environment: environment, label: "daemon", in: scratch)
        defer { _ = daemon.stop(signal: SIGKILL) }
        XCTAssertFalse(viewer.waitFor("samplemind/studio-a/beat", count: 3, timeout: 20).isEmpty, "the room's beats reach a viewer: \(daemon.errors)")
        XCTAssertEqual(viewer.waitFor("samplemind/studio-a/status", timeout: 5).last?.payload, "online")
        XCTAssertFalse(homeAssistant.waitFor("homeassistant/sensor/samplemind_studio-a/tempo/config", timeout: 5).isEmpty,
                       "the room may write its Home Assistant discovery configs")

        // What the access list refuses is dropped by the broker (MQTT has no error for it).
        try publish("studio-a", "samplemind/studio-b/tempo", "forged by room a")
        try publish("viewer", "samplemind/studio-a/tempo", "forged by a viewer")
        try publish("collector", "samplemind/studio-a/segment", "forged by the collector")
        try publish("studio-a", "samplemind/studio-a/note", "room a on its own topic")
        XCTAssertFalse(viewer.waitFor("samplemind/studio-a/note", timeout: 5).isEmpty, "a room writes under its own name")
        usleep(500_000)
        let forged = viewer.messages().filter { $0.payload.hasPrefix("forged") }.map { "\($0.topic): \($0.payload)" }
        XCTAssertEqual(forged, [], "no user writes where the access list does not let it")
        // The collector reads segments only.
        XCTAssertEqual(Set(collector.messages().map { $0.topic.split(separator: "/").last.map(String.init) ?? "" }).subtracting(["segment"]), [],
                       "the collector's user reads nothing but segments")
        XCTAssertTrue(daemon.isRunning)
    }

    func testUnitFiles_passSystemdAnalyzeVerify() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else {
            return XCTFail("systemd-analyze is missing: bash scripts/install-dependencies --for-tests installs it (Debian package systemd)")
        }
        let scratch = try ScratchDirectory("units")
        defer { scratch.remove() }
        // The units name /usr/local/bin/samplemind, where scripts/install-service puts it; here
        // they point at the binary under test.
        for name in ["samplemind.service", "samplemind@.service", "samplemind-collect.service"] {
            let text = try Self.shipped(name).replacingOccurrences(of: "/usr/local/bin/samplemind", with: SampleMindBinary.url.path)
            let unit = scratch.file(name == "samplemind@.service" ? "samplemind@studio-a.service" : name)
            try text.write(toFile: unit, atomically: true, encoding: .utf8)
            if name == "samplemind@.service" {
                try text.write(toFile: scratch.file("samplemind@.service"), atomically: true, encoding: .utf8)
            }
            let outcome = try SampleMindBinary.run(["verify", "--man=no", unit], executable: URL(fileURLWithPath: "/usr/bin/systemd-analyze"),
                                                   timeout: 30)
            // Only what concerns the unit itself: systemd-analyze also reports on the host's own units.
            let problems = outcome.standardError.split(separator: "\n").filter { $0.contains(URL(fileURLWithPath: unit).lastPathComponent) }
            XCTAssertEqual(problems, [], "\(name): \(outcome.standardError)")
        }
    }
}
