import ArgumentParser
import SampleMindConfiguration

/// MQTT out: the broker and this daemon's room (the rest is in the configuration file).
struct MQTTOptions: ServeOptionGroup {
    @Option(name: .customLong("mqtt"), help: "Publish to this MQTT broker, mqtt://HOST[:PORT] or mqtts://HOST[:PORT]. [mqtt.url]")
    var url: String?

    @Option(name: .customLong("mqtt-room"), help: "This daemon's room in the MQTT topics samplemind/ROOM/…. [mqtt.room]")
    var room: String?

    func overrides(into values: inout [String: ConfigurationValue]) {
        if let url { values["mqtt.url"] = .string(url) }
        if let room { values["mqtt.room"] = .string(room) }
    }
}
