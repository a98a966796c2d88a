import SampleMindProtocol

/// Home Assistant's MQTT discovery: one retained config per sensor under
/// `homeassistant/sensor/samplemind_<room>/<sensor>/config`, naming the room's state topic and
/// its status topic for availability, so the room's tempo, key and loudness appear in Home
/// Assistant by themselves. See https://www.home-assistant.io/integrations/sensor.mqtt/.
///
/// Not real-time safe: made once, on the publisher thread.
public enum HomeAssistantDiscovery {
    /// One config message: its topic and JSON payload.
    public struct Config: Sendable, Equatable {
        public let topic: String
        public let payload: String
    }

    /// The configs for `topics`' room: tempo (BPM), key and momentary loudness (LUFS).
    public static func configs(for topics: MQTTTopics, version: String) -> [Config] {
        // Home Assistant's ids take letters, digits, '_' and '-' only.
        let node = "samplemind_" + String(topics.room.unicodeScalars.map {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == "-" ? Character($0) : "_"
        })
        let device = "{\"identifiers\":[\(JSONText.quoted(node))],\"name\":\(JSONText.quoted("SampleMind \(topics.room)")),"
            + "\"manufacturer\":\"SampleMind\",\"sw_version\":\(JSONText.quoted(version))}"
        func config(_ object: String, name: String, stateTopic: String, template: String, unit: String?, icon: String) -> Config {
            var payload = "{\"name\":\(JSONText.quoted(name)),\"unique_id\":\(JSONText.quoted("\(node)_\(object)")),"
            payload += "\"object_id\":\(JSONText.quoted("\(node)_\(object)")),\"state_topic\":\(JSONText.quoted(stateTopic)),"
            payload += "\"value_template\":\(JSONText.quoted(template)),"
            if let unit { payload += "\"unit_of_measurement\":\(JSONText.quoted(unit)),\"state_class\":\"measurement\"," }
            payload += "\"icon\":\(JSONText.quoted(icon)),\"availability_topic\":\(JSONText.quoted(topics.status)),"
            payload += "\"payload_available\":\"online\",\"payload_not_available\":\"offline\",\"device\":\(device)}"
            return Config(topic: "homeassistant/sensor/\(node)/\(object)/config", payload: payload)
        }
        return [
            config("tempo", name: "Tempo", stateTopic: topics.tempo, template: "{{ value_json.tempo_bpm }}", unit: "BPM", icon: "mdi:metronome"),
            config("key", name: "Key", stateTopic: topics.key, template: "{{ value_json.key }}", unit: nil, icon: "mdi:music-clef-treble"),
            config("loudness", name: "Loudness", stateTopic: topics.level, template: "{{ value_json.lufs_momentary }}", unit: "LUFS",
                   icon: "mdi:volume-high"),
        ]
    }
}
