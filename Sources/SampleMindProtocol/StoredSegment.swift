/// What the segment encoders read of a stored segment (SampleMindStorage's `Segment` is one),
/// so that this module needs nothing of the storage.
public protocol StoredSegment {
    associatedtype CloseReason: RawRepresentable where CloseReason.RawValue == String
    var id: Int64 { get }
    var sessionID: Int64 { get }
    var startSeconds: Double { get }
    var endSeconds: Double { get }
    var startWallClock: Double { get }
    var endWallClock: Double { get }
    var tempoBPM: Double? { get }
    var tempoConfidence: Double { get }
    var beatCount: Int { get }
    var key: String? { get }
    var keyConfidence: Double { get }
    var loudnessLUFS: Double? { get }
    var loudnessRangeLU: Double? { get }
    var peakDBFS: Double { get }
    /// Onsets per second.
    var onsetRate: Double { get }
    var closeReason: CloseReason { get }
    var centroidHz: Double { get }
    var rolloffHz: Double { get }
    var flatness: Double { get }
    var chroma: [Float] { get }
    var mfcc: [Float] { get }
    /// A collected segment's room, publishing instance and id there; nil for the database's own.
    var room: String? { get }
    var instance: String? { get }
    var sourceID: Int64? { get }
}
