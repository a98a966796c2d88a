/// Stored segments: the object /v1/segments lists (and /v1/segments/{id} details), and the
/// `segment` event the stream sends once one is stored, which is that object stamped with the
/// segment's end.
public enum SegmentJSON {
    /// `{"id":…,"session":…,…,"close_reason":…}`; `detail` adds the timbre means, chroma and MFCC.
    public static func encode(_ segment: some StoredSegment, detail: Bool) -> String {
        "{" + fields(segment, detail: detail) + "}"
    }

    /// `{"type":"segment","t":…,"wall_clock":…,…}`: `t` and `wall_clock` are the segment's end.
    /// `detail` adds what /v1/segments/{id} adds (MQTT sends it, so a collector stores every field).
    public static func event(_ segment: some StoredSegment, detail: Bool = false) -> String {
        "{\"type\":\"segment\",\"t\":\(JSONText.rounded(segment.endSeconds, 4)),\"wall_clock\":\(JSONText.rounded(segment.endWallClock, 4)),"
            + fields(segment, detail: detail) + "}"
    }

    private static func fields(_ segment: some StoredSegment, detail: Bool) -> String {
        func number(_ value: Double?, _ digits: Int = 2) -> String { value.map { JSONText.rounded($0, digits) } ?? "null" }
        var out = "\"id\":\(segment.id),\"session\":\(segment.sessionID),\"start_t\":\(number(segment.startSeconds, 3))"
        out += ",\"end_t\":\(number(segment.endSeconds, 3)),\"start_wall\":\(number(segment.startWallClock, 3))"
        out += ",\"end_wall\":\(number(segment.endWallClock, 3)),\"tempo_bpm\":\(number(segment.tempoBPM))"
        out += ",\"tempo_confidence\":\(number(segment.tempoConfidence, 3)),\"beat_count\":\(segment.beatCount)"
        out += ",\"key\":" + (segment.key.map(JSONText.quoted) ?? "null") + ",\"key_confidence\":\(number(segment.keyConfidence, 3))"
        out += ",\"loudness_lufs\":\(number(segment.loudnessLUFS)),\"loudness_range_lu\":\(number(segment.loudnessRangeLU))"
        out += ",\"peak_dbfs\":\(number(segment.peakDBFS)),\"onset_rate\":\(number(segment.onsetRate))"
        out += ",\"close_reason\":" + JSONText.quoted(segment.closeReason.rawValue)
        // Only where known: a collected segment's room, instance and id at its source; the instance
        // of a segment this database's daemon just stored.
        if let room = segment.room { out += ",\"room\":" + JSONText.quoted(room) }
        if let instance = segment.instance { out += ",\"instance\":" + JSONText.quoted(instance) }
        if let sourceID = segment.sourceID { out += ",\"source_id\":\(sourceID)" }
        if detail {
            out += ",\"centroid_hz\":\(number(segment.centroidHz, 1)),\"rolloff_hz\":\(number(segment.rolloffHz, 1))"
            out += ",\"flatness\":\(number(segment.flatness, 4))"
            // Left out when unknown (a segment collected from a message that had none): the
            // schema wants all 12 and 13 values or nothing, and so does a collector reading this.
            if !segment.chroma.isEmpty { out += ",\"chroma\":" + JSONText.list(segment.chroma, digits: 3) }
            if !segment.mfcc.isEmpty { out += ",\"mfcc\":" + JSONText.list(segment.mfcc, digits: 2) }
        }
        return out
    }
}
