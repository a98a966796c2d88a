/// What a performer can tell the trackers from the stage. Trivial, so controls travel through
/// lock-free queues to the analysis thread as they are.
public enum StageControl: Sendable, BitwiseCopyable, Equatable {
    /// A tap on the beat now: two or more taps less than two seconds apart set (and lock) the
    /// tempo to their average interval, and put the beat on the latest tap.
    case tap
    /// Keep the current tempo, whatever the music does, until `unlock` or `reset`.
    case lock
    case unlock
    /// The latest beat is the first of its bar.
    case downbeat
    /// Beats per bar (1–16).
    case meter(Int)
    /// Forget tempo, beat phase, bar and taps, and listen afresh.
    case reset
    /// Hold this tempo (BPM), as `lock` holds the current one, until `unlock` or `reset`: how an
    /// Ableton Link session's tempo reaches the tracker in follow mode. Not a wire command.
    case holdTempo(Float)

    /// Tempos ``holdTempo(_:)`` takes.
    public static let heldTempoRange: ClosedRange<Float> = 20...400

    public static let meterRange = 1...16

    /// The command's name on the wire (WebSocket `control` messages, OSC addresses).
    public var name: String {
        switch self {
        case .tap: "tap"
        case .lock: "lock"
        case .unlock: "unlock"
        case .downbeat: "downbeat"
        case .meter: "meter"
        case .reset: "reset"
        case .holdTempo: "hold_tempo"
        }
    }
}
