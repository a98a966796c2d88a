/// What goes before every message on a connection: `{"seq":N,` and, in frames,
/// `"dropped_frames":D,`. The encoders here make messages without it (`{"type":…}`), so one
/// message can be made once and sent to every client, each with its own numbers.
public enum MessageHead {
    /// `message` (one JSON object as encoded here) with the head put first: its opening brace
    /// becomes `{"seq":sequence,` (then `"dropped_frames":droppedFrames,` when given).
    public static func prefixed(_ message: [UInt8], sequence: Int, droppedFrames: Int? = nil) -> [UInt8] {
        var head = "{\"seq\":\(sequence),"
        if let droppedFrames { head += "\"dropped_frames\":\(droppedFrames)," }
        return Array(head.utf8) + message.dropFirst()
    }
}
