import SampleMindValidation

/// The topics of one room: `samplemind/<room>/beat|onset|tempo|key|level|frame|segment|status`.
/// The room is one topic level, so it may not hold `/`, the wildcards `+` and `#`, control
/// characters or nothing at all (a subscriber's `samplemind/+/beat` must find every room).
///
/// Not real-time safe: made once, during set-up.
public struct MQTTTopics: Sendable, Equatable {
    public let room: String
    public let beat, onset, tempo, key, level, frame, segment, status: String

    /// The topics for `room`, or an error naming `mqtt.room`.
    public static func make(room: String) -> Result<MQTTTopics, MQTTError> {
        let shown = "\"\(PrintableText.escaped(room))\""
        if room.isEmpty {
            return .failure(MQTTError(key: "mqtt.room", "is empty; name the room this daemon listens in, e.g. room = \"studio-a\""))
        }
        if let bad = room.unicodeScalars.first(where: { $0 == "/" || $0 == "+" || $0 == "#" || $0.properties.generalCategory == .control }) {
            let what = bad.properties.generalCategory == .control ? "a control character" : "'\(bad)'"
            return .failure(MQTTError(key: "mqtt.room", "\(shown) holds \(what), which MQTT topics use as separator or wildcard; use letters, digits, '-' or '_'"))
        }
        if room.utf8.count > 200 {
            return .failure(MQTTError(key: "mqtt.room", "is \(room.utf8.count) bytes long; keep it under 200"))
        }
        return .success(MQTTTopics(room: room))
    }

    private init(room: String) {
        self.room = room
        let base = "samplemind/\(room)/"
        beat = base + "beat"
        onset = base + "onset"
        tempo = base + "tempo"
        key = base + "key"
        level = base + "level"
        frame = base + "frame"
        segment = base + "segment"
        status = base + "status"
    }
}
