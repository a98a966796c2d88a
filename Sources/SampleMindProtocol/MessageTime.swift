/// When a message that is not tied to one frame or event is sent: `t`, the stream time of the
/// latest frame (0 before the first), and `wall_clock`, seconds since the Unix epoch now.
public struct MessageTime: Sendable, Equatable {
    public var timeSeconds: Double
    public var wallClockSeconds: Double

    public init(timeSeconds: Double, wallClockSeconds: Double) {
        self.timeSeconds = timeSeconds
        self.wallClockSeconds = wallClockSeconds
    }

    /// `,"t":…,"wall_clock":…`, the last fields of such messages.
    var fields: String {
        ",\"t\":\(JSONText.rounded(timeSeconds, 4)),\"wall_clock\":\(JSONText.rounded(wallClockSeconds, 4))"
    }
}
