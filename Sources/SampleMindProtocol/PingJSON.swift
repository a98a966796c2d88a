/// `{"type":"ping",…}`, the heartbeat every client gets each `heartbeat_s`; it needs no answer.
public enum PingJSON {
    public static func encode(at time: MessageTime) -> String { "{\"type\":\"ping\"" + time.fields + "}" }
}
