import SampleMindAnalysis

/// Events as one-line JSON objects with a `type` of `onset`, `beat`, `tempo` or `key` (and the
/// input's `session` and `discontinuity`), stamped with stream time `t` and, when given,
/// `wall_clock` (seconds since the Unix epoch). Stored segments are ``SegmentJSON``'s.
public enum EventJSON {
    public static func encode(_ event: AnalysisEvent, wallClockSeconds: Double? = nil) -> String {
        var out: String
        switch event {
        case .onset(let t, let strength):
            out = "{\"type\":\"onset\",\"t\":\(JSONText.rounded(t, 4)),\"strength\":\(JSONText.rounded(strength, 4))"
        case .beat(let t, let index, let position, let bpm):
            out = "{\"type\":\"beat\",\"t\":\(JSONText.rounded(t, 4)),\"index\":\(index),\"bar_position\":\(position),\"tempo_bpm\":\(JSONText.rounded(bpm))"
        case .tempo(let t, let bpm, let confidence):
            out = "{\"type\":\"tempo\",\"t\":\(JSONText.rounded(t, 4)),\"tempo_bpm\":\(JSONText.rounded(bpm)),\"confidence\":\(JSONText.rounded(confidence, 3))"
        case .key(let t, let key, let confidence):
            out = "{\"type\":\"key\",\"t\":\(JSONText.rounded(t, 4)),\"key\":\"\(key)\",\"confidence\":\(JSONText.rounded(confidence, 3))"
        }
        if let wallClockSeconds { out += ",\"wall_clock\":\(JSONText.rounded(wallClockSeconds, 4))" }
        return out + "}"
    }

    /// `{"type":"discontinuity","t":…,"gap_s":…}`: audio was interrupted for `gap_s` before `t`.
    public static func discontinuity(timeSeconds: Double, gapSeconds: Double, wallClockSeconds: Double) -> String {
        "{\"type\":\"discontinuity\",\"t\":\(JSONText.rounded(timeSeconds, 4)),\"gap_s\":\(JSONText.rounded(gapSeconds, 4)),\"wall_clock\":\(JSONText.rounded(wallClockSeconds, 4))}"
    }

    /// `{"type":"session",…}`: the input started (or restarted) with this format at `t`.
    public static func session(timeSeconds: Double, sampleRate: Double, channelCount: Int, wallClockSeconds: Double) -> String {
        "{\"type\":\"session\",\"t\":\(JSONText.rounded(timeSeconds, 4)),\"sample_rate\":\(JSONText.rounded(sampleRate, 1)),\"channels\":\(channelCount),\"wall_clock\":\(JSONText.rounded(wallClockSeconds, 4))}"
    }
}
