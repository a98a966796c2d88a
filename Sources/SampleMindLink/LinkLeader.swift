/// Lead mode's decisions: how the Link session's tempo and beat grid follow the beat tracker.
///
/// - While the tracker predicts beats with a tempo confidence of at least ``minimumConfidence``,
///   the session's tempo follows it.
/// - The grid is placed once, when the tracker is sure of the tempo and its downbeat has held
///   still for ``settleBars`` bars: the predicted beat gets the session beat whose phase (for
///   quantum = beats per bar) is its place in the bar, so Link's bar lines fall on the music's
///   downbeats. (In its first seconds the tracker still moves the downbeat while the kicks and
///   the bass add up; a grid placed then would keep a wrong bar for good.)
/// - After that the grid never jumps: a phase error within the beat is worked off by nudging the
///   tempo proposed to Link by at most ``maximumNudge`` of the tempo, over ``correctionSeconds``.
///   A later change of the tracker's downbeat is not followed (the bar lines stay where placed).
/// - When the beat is lost or the confidence falls below that (a tempo change being found),
///   nothing is proposed: the session keeps the last tempo.
///
/// Pure arithmetic on the values it is given, so tests drive it directly. Not thread-safe: the
/// Link thread owns it.
public struct LinkLeader: Sendable {
    /// What the Link thread should do with the session.
    public enum Action: Sendable, Equatable {
        /// Nothing to change.
        case none
        /// First lock: set the tempo and force `beat` to fall at `atMicros`.
        case place(beat: Double, atMicros: Int64, quantum: Double, bpm: Double)
        /// Propose this tempo now (the tracker's tempo plus a phase correction).
        case propose(bpm: Double)
    }

    /// Largest tempo correction, as a fraction of the tempo (2 %: hardly audible to a DJ).
    public static let maximumNudge = 0.02
    /// A phase error is worked off over about this long.
    public static let correctionSeconds = 2.0
    /// The tracker's tempo confidence below which the session is left alone: early guesses in the
    /// first seconds (about 0.2, often at a wrong multiple) and the moments of a tempo change fall
    /// below it; music it is sure of measures about 0.7.
    public static let minimumConfidence: Float = 0.4
    /// Tempo changes smaller than this are not proposed (Link would broadcast each one).
    public static let smallestChangeBPM = 0.01
    /// Bars of sure predictions with the same downbeat before the grid is placed.
    public static let settleBars = 2

    public private(set) var placed = false
    private var lastProposedBPM = 0.0
    /// The last phase error measured, in beats within ±0.5 (positive: the session is ahead of the music).
    public private(set) var phaseErrorBeats = 0.0
    /// Before placing: the beat index (modulo the bar) of the tracker's downbeat, the meter it was
    /// seen with, and how many sure predictions in a row have agreed on it.
    private var downbeatSlot = -1
    private var downbeatMeter = 0
    private var agreeingPredictions = 0

    public init() {}

    /// One prediction from the tracker: beat number `beatIndex`, beat `barPosition` (1-based) of a
    /// bar of `beatsPerBar`, falls at `beatMicros` on Link's clock, at `bpm` with `confidence`.
    /// `sessionPhase` is the session's phase at that time for quantum `beatsPerBar` (ignored
    /// before the grid is placed). Called once per predicted beat.
    public mutating func predicted(beatIndex: Int, beatMicros: Int64, barPosition: Int, beatsPerBar: Int, bpm: Double,
                                   confidence: Float, sessionPhase: Double) -> Action {
        guard bpm.isFinite, bpm > 0, beatsPerBar > 0, (1...beatsPerBar).contains(barPosition),
              confidence >= Self.minimumConfidence else {
            agreeingPredictions = 0
            return .none
        }
        let quantum = Double(beatsPerBar)
        let wanted = Double(barPosition - 1)
        guard placed else {
            let slot = ((beatIndex % beatsPerBar - (barPosition - 1)) % beatsPerBar + beatsPerBar) % beatsPerBar
            if slot == downbeatSlot, beatsPerBar == downbeatMeter {
                agreeingPredictions += 1
            } else {
                (downbeatSlot, downbeatMeter, agreeingPredictions) = (slot, beatsPerBar, 1)
            }
            guard agreeingPredictions > Self.settleBars * beatsPerBar else { return .none }
            placed = true
            lastProposedBPM = bpm
            phaseErrorBeats = 0
            return .place(beat: wanted, atMicros: beatMicros, quantum: quantum, bpm: bpm)
        }
        guard sessionPhase.isFinite else { return .none }
        // Within a beat only: the bar was placed once, and when the tracker later moves the
        // downbeat, pulling the session a whole beat at 2 % would detune it for half a minute.
        let difference = sessionPhase - wanted
        let error = difference - difference.rounded()
        phaseErrorBeats = error
        // Beats to remove per second, as BPM: error / correctionSeconds beats/s = ×60 BPM.
        let correction = min(max(-error / Self.correctionSeconds * 60, -Self.maximumNudge * bpm), Self.maximumNudge * bpm)
        let proposed = bpm + correction
        guard abs(proposed - lastProposedBPM) >= Self.smallestChangeBPM else { return .none }
        lastProposedBPM = proposed
        return .propose(bpm: proposed)
    }
}
