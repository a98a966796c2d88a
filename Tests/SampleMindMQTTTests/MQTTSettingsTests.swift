import SampleMindMQTT
import Synchronization
import XCTest

/// The broker URL, the room and Home Assistant's discovery configs, checked without a broker.
final class MQTTSettingsTests: XCTestCase {
    func testBrokerURL_whenWellFormed_givesHostPortAndTLS() throws {
        XCTAssertEqual(try MQTTBrokerURL.parse("mqtt://127.0.0.1").get(), try MQTTBrokerURL.parse("mqtt://127.0.0.1:1883").get())
        let tls = try MQTTBrokerURL.parse("mqtts://broker.local:8884/").get()
        XCTAssertEqual(tls.host, "broker.local")
        XCTAssertEqual(tls.port, 8884)
        XCTAssertTrue(tls.usesTLS)
        XCTAssertEqual(try MQTTBrokerURL.parse("mqtts://[::1]").get().port, 8883)
        XCTAssertEqual(try MQTTBrokerURL.parse("mqtt://[::1]:1999").get().description, "mqtt://[::1]:1999")
    }

    func testBrokerURL_whenMalformed_isRefusedNamingTheKeyAndTheShape() {
        for bad in ["", "tcp://host", "mqtt://", "mqtt://host:0", "mqtt://host:65536", "mqtt://host:x", "mqtt://user:pw@host",
                    "mqtt://host/topic", "mqtt://a:b:c", "mqtt://[::1", "mqtt://ho st", "http://host:1883", "mqtt://[[]",
                    "mqtt://[host]:1883", "mqtt://h\u{0}st", "mqtt://caf\u{E9}"] {
            guard case .failure(let error) = MQTTBrokerURL.parse(bad) else {
                XCTFail("\(bad) is accepted")
                continue
            }
            XCTAssertEqual(error.key, "mqtt.url")
            XCTAssertTrue(error.message.contains("mqtt://HOST[:PORT]"), "says what to write: \(error)")
        }
    }

    func testRoom_whenItWouldBreakTheTopic_isRefusedNamingTheKey() {
        for bad in ["", "a/b", "a+", "#", "room\n", "tab\there", "nul\u{0}"] {
            guard case .failure(let error) = MQTTTopics.make(room: bad) else {
                XCTFail("room \(bad.debugDescription) is accepted")
                continue
            }
            XCTAssertEqual(error.key, "mqtt.room")
        }
        XCTAssertEqual(try MQTTTopics.make(room: "studio-a").get().beat, "samplemind/studio-a/beat")
        XCTAssertEqual(try MQTTTopics.make(room: "Küche 2").get().status, "samplemind/Küche 2/status")
    }

    func testHomeAssistantConfigs_nameTheRoomsStateTopicsAndAvailability() throws {
        let topics = try MQTTTopics.make(room: "studio a").get()
        let configs = HomeAssistantDiscovery.configs(for: topics, version: "0.1.0")
        XCTAssertEqual(configs.map(\.topic), ["homeassistant/sensor/samplemind_studio_a/tempo/config",
                                              "homeassistant/sensor/samplemind_studio_a/key/config",
                                              "homeassistant/sensor/samplemind_studio_a/loudness/config"])
        let expected = [("tempo", topics.tempo, "{{ value_json.tempo_bpm }}"), ("key", topics.key, "{{ value_json.key }}"),
                        ("loudness", topics.level, "{{ value_json.lufs_momentary }}")]
        for (config, (object, stateTopic, template)) in zip(configs, expected) {
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(config.payload.utf8)) as? [String: Any], config.payload)
            XCTAssertEqual(json["state_topic"] as? String, stateTopic)
            XCTAssertEqual(json["value_template"] as? String, template)
            XCTAssertEqual(json["availability_topic"] as? String, "samplemind/studio a/status")
            XCTAssertEqual(json["unique_id"] as? String, "samplemind_studio_a_\(object)")
        }
    }

    func testSegmentBacklog_whenFull_dropsTheOldestAndCountsThem() {
        let backlog = SegmentBacklog(capacity: 3)
        for n in 1...5 { backlog.offer("{\"id\":\(n)}") }
        XCTAssertEqual(backlog.count, 3)
        XCTAssertEqual(backlog.dropped.load(ordering: .relaxed), 2)
    }
}
