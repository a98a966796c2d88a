import SampleMindAnalysis
import SampleMindProtocol

/// One stretch of music, as stored.
public struct Segment: Sendable, Equatable {
    public enum CloseReason: String, Sendable {
        case maximumLength = "max_length", keyChange = "key_change", tempoChange = "tempo_change"
        case silenceStart = "silence_start", silenceEnd = "silence_end", discontinuity, shutdown
    }

    public var id: Int64 = 0
    public var sessionID: Int64 = 0
    public var startSeconds: Double
    public var endSeconds: Double
    public var startWallClock: Double
    public var endWallClock: Double
    public var tempoBPM: Double?
    public var tempoConfidence: Double
    public var beatCount: Int
    public var key: String?
    public var keyConfidence: Double
    public var loudnessLUFS: Double?
    public var loudnessRangeLU: Double?
    public var peakDBFS: Double
    /// Onsets per second.
    public var onsetRate: Double
    public var centroidHz: Double
    public var rolloffHz: Double
    public var flatness: Double
    public var chroma: [Float]
    public var mfcc: [Float]
    public var closeReason: CloseReason
    /// Where a collected segment came from: the room of its MQTT topic, the publishing database's
    /// instance id and the segment's id there. All nil for a segment this database's daemon cut
    /// (its stream and MQTT messages carry the database's ``SegmentStore/instanceID`` as `instance`).
    public var room: String?
    public var instance: String?
    public var sourceID: Int64?

    public init(startSeconds: Double, endSeconds: Double, startWallClock: Double, endWallClock: Double, tempoBPM: Double?,
                tempoConfidence: Double, beatCount: Int, key: String?, keyConfidence: Double, loudnessLUFS: Double?,
                loudnessRangeLU: Double?, peakDBFS: Double, onsetRate: Double, centroidHz: Double, rolloffHz: Double,
                flatness: Double, chroma: [Float], mfcc: [Float], closeReason: CloseReason) {
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
        self.startWallClock = startWallClock
        self.endWallClock = endWallClock
        self.tempoBPM = tempoBPM
        self.tempoConfidence = tempoConfidence
        self.beatCount = beatCount
        self.key = key
        self.keyConfidence = keyConfidence
        self.loudnessLUFS = loudnessLUFS
        self.loudnessRangeLU = loudnessRangeLU
        self.peakDBFS = peakDBFS
        self.onsetRate = onsetRate
        self.centroidHz = centroidHz
        self.rolloffHz = rolloffHz
        self.flatness = flatness
        self.chroma = chroma
        self.mfcc = mfcc
        self.closeReason = closeReason
    }

    public var durationSeconds: Double { endSeconds - startSeconds }
}

extension Segment: StoredSegment {}
