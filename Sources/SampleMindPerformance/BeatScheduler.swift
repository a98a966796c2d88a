/// When each beat leaves for one output: `lead` seconds before its predicted time, once per beat.
///
/// The tracker predicts the next beat (its time, index and place in the bar) with every frame.
/// The beat is sent when the clock reaches its predicted time minus the lead, carrying the time
/// it is predicted for. A prediction that moves after its beat was sent does not send it again:
/// the next beat goes out at its own, corrected, time. A beat the tracker reports without having
/// predicted it in time (just after lock-in) is sent at once.
public struct BeatScheduler: Sendable {
    public struct Beat: Sendable, Equatable {
        public var index: Int
        /// Stream seconds, and the Unix time they correspond to.
        public var timeSeconds: Double
        public var wallClockSeconds: Double
        public var barPosition: Int
        public var beatsPerBar: Int
        public var bpm: Float

        public init(index: Int, timeSeconds: Double, wallClockSeconds: Double, barPosition: Int, beatsPerBar: Int, bpm: Float) {
            self.index = index
            self.timeSeconds = timeSeconds
            self.wallClockSeconds = wallClockSeconds
            self.barPosition = barPosition
            self.beatsPerBar = beatsPerBar
            self.bpm = bpm
        }
    }

    public let leadSeconds: Double
    private var predicted: Beat?
    private var lastSentIndex = -1

    public init(leadSeconds: Double) { self.leadSeconds = leadSeconds }

    /// The latest prediction (from a frame), or nil when no beat is expected (no tempo).
    public mutating func predict(_ beat: Beat?) {
        guard let beat else {
            predicted = nil
            return
        }
        if beat.index > lastSentIndex { predicted = beat }
    }

    /// A beat as the tracker reported it: sent now if it was not sent ahead.
    public mutating func reported(_ beat: Beat) -> Beat? {
        guard beat.index > lastSentIndex else { return nil }
        lastSentIndex = beat.index
        if predicted?.index == beat.index { predicted = nil }
        return beat
    }

    /// The Unix time the pending beat is due to leave, if one is pending.
    public var dueAt: Double? { predicted.map { $0.wallClockSeconds - leadSeconds } }

    /// The pending beat if it is due at `now` (Unix seconds); it is then sent, never again.
    public mutating func take(now: Double) -> Beat? {
        guard let beat = predicted, beat.wallClockSeconds - leadSeconds <= now, beat.index > lastSentIndex else { return nil }
        lastSentIndex = beat.index
        predicted = nil
        return beat
    }

    /// After a new input session (beat indices may start again).
    public mutating func restart() {
        predicted = nil
        lastSentIndex = -1
    }
}
