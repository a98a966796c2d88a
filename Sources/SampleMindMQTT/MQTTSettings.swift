/// Everything the MQTT publisher is told by the configuration, already checked (see
/// ``MQTTBrokerURL`` and ``MQTTTopics``). Secrets live here and nowhere else: the description
/// never shows the password.
///
/// Not real-time safe: made during set-up, then only read.
public struct MQTTSettings: Sendable, CustomStringConvertible {
    /// MQTT 3.1.1 or 5.
    public enum ProtocolVersion: String, Sendable { case v311 = "3.1.1", v5 = "5" }

    public var broker: MQTTBrokerURL
    public var topics: MQTTTopics
    public var protocolVersion = ProtocolVersion.v311
    public var clientID: String
    public var username: String?
    public var password: String?
    /// CA certificate file for `mqtts://` (nil: the system's certificates in /etc/ssl/certs).
    public var caFile: String?
    /// QoS (0–2) of beat, onset, tempo and key messages; of segments.
    public var qosEvents: Int32 = 0
    public var qosSegments: Int32 = 1
    /// `level` messages per second (0: none); `frame` messages per second (0: none).
    public var levelRateHz = 10.0
    public var frameRateHz = 0.0
    /// Publish Home Assistant discovery configs under `homeassistant/sensor/…`.
    public var homeAssistant = false
    /// Segments kept while the broker is away; the oldest go first when it is full.
    public var segmentBacklog = 256

    public init(broker: MQTTBrokerURL, topics: MQTTTopics, clientID: String) {
        self.broker = broker
        self.topics = topics
        self.clientID = clientID
    }

    /// The client id when none is configured: `samplemind-<room>-<host name>`.
    public static func defaultClientID(room: String, hostName: String) -> String {
        "samplemind-\(room)-\(hostName)"
    }

    public var description: String {
        "\(broker) as \(clientID) (room \(topics.room), MQTT \(protocolVersion.rawValue)\(username.map { ", user \($0)" } ?? ""))"
    }
}
