import Foundation
import SampleMindConfiguration
import SampleMindEngine
import SampleMindLog
import SampleMindMQTT
import SampleMindProtocol
import SampleMindStreaming

/// MQTT out, when `mqtt.url` is set: the publisher made from the configuration, with its own
/// engine queue, and its link state in /health and /metrics. With no URL nothing is made, and no
/// socket is ever opened.
///
/// Stored segments reach it through the publisher's backlog, filled on the storage thread.
///
/// Not real-time safe: made, started and stopped on the control thread.
final class MQTTService: DaemonService, StatusReporting {
    let name = "MQTT publisher"
    /// Stops with the stream server, after storage has written the open segment, so that the last
    /// segment reaches the broker too.
    let role = ServiceRole.server
    let publisher: MQTTPublisher

    /// The settings, checked; nil when `mqtt.url` is unset or empty. A bad URL or room, an
    /// unreadable CA file or a bad client id throws, naming the key.
    static func make(_ options: LoadedConfiguration, engine: LiveEngine, log: @escaping LogSink) throws(MQTTError) -> MQTTService? {
        guard let url = options.string("mqtt.url"), !url.isEmpty else { return nil }
        let broker: MQTTBrokerURL
        switch MQTTBrokerURL.parse(url) {
        case .success(let parsed): broker = parsed
        case .failure(let error): throw error
        }
        let room = options.string("mqtt.room") ?? ""
        let topics: MQTTTopics
        switch MQTTTopics.make(room: room) {
        case .success(let made): topics = made
        case .failure(let error): throw error
        }
        let clientID = options.string("mqtt.client_id") ?? MQTTSettings.defaultClientID(room: room, hostName: shortHostName())
        guard !clientID.isEmpty, clientID.utf8.count <= 65_535, !clientID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw MQTTError(key: "mqtt.client_id", "must be 1 to 65535 bytes without control characters")
        }
        var settings = MQTTSettings(broker: broker, topics: topics, clientID: clientID)
        settings.protocolVersion = options.string("mqtt.protocol") == "5" ? .v5 : .v311
        settings.username = options.string("mqtt.username")
        settings.password = options.string("mqtt.password")
        if let caFile = options.string("mqtt.ca_file") {
            if let problem = CAFile.problem(with: caFile) { throw MQTTError(key: "mqtt.ca_file", problem) }
            guard broker.usesTLS else {
                throw MQTTError(key: "mqtt.ca_file", "is set but mqtt.url is \(broker) without TLS; use mqtts:// or remove mqtt.ca_file")
            }
            settings.caFile = caFile
        }
        settings.qosEvents = Int32(clamping: options.integer("mqtt.qos_events"))
        settings.qosSegments = Int32(clamping: options.integer("mqtt.qos_segments"))
        settings.levelRateHz = options.number("mqtt.level_rate_hz")
        settings.frameRateHz = options.number("mqtt.frame_rate_hz")
        settings.segmentBacklog = options.integer("mqtt.segment_backlog")
        settings.homeAssistant = options.boolean("mqtt.home_assistant")
        let publisher = try MQTTPublisher(settings: settings, queue: engine.addConsumer(name: "mqtt", capacity: 2_048),
                                          version: SampleMindVersion.current, log: log)
        return MQTTService(publisher: publisher)
    }

    /// This machine's name up to the first dot, from gethostname(2) (no lookup that could wait on DNS).
    private static func shortHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "host" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.split(separator: ".").first.map(String.init) ?? "host"
    }

    private init(publisher: MQTTPublisher) {
        self.publisher = publisher
    }

    func start() { publisher.start() }

    func stop() { publisher.stop() }

    /// The link's state and counters, for /health and /metrics. HTTP thread: atomics only.
    func report(into status: inout DaemonStatus) {
        if let problem = publisher.problem { status.degradedReasons.append(problem) }
        let labels = "{broker=\(JSONText.quoted(publisher.settings.broker.description)),room=\(JSONText.quoted(publisher.settings.topics.room))}"
        status.serviceMetrics += [
            .init(name: "mqtt_connected", type: "gauge", help: "1 while connected to the MQTT broker.",
                  samples: [(labels, publisher.link.connected.load(ordering: .relaxed) ? 1 : 0)]),
            .init(name: "mqtt_messages_sent_total", type: "counter", help: "MQTT messages handed to the broker connection.",
                  samples: [(labels, Double(publisher.sent.load(ordering: .relaxed)))]),
            .init(name: "mqtt_messages_dropped_total", type: "counter",
                  help: "Beat, onset, level and frame messages dropped while the broker was away.",
                  samples: [(labels, Double(publisher.dropped.load(ordering: .relaxed)))]),
            .init(name: "mqtt_segments_dropped_total", type: "counter", help: "Segments dropped because the backlog was full.",
                  samples: [(labels, Double(publisher.backlog.dropped.load(ordering: .relaxed)))]),
            .init(name: "mqtt_segment_backlog", type: "gauge", help: "Segments waiting for the broker.",
                  samples: [(labels, Double(publisher.backlog.count))]),
            .init(name: "mqtt_reconnects_total", type: "counter", help: "Connections to the broker after the first.",
                  samples: [(labels, Double(publisher.reconnects))]),
        ]
    }
}
