import SampleMindAnalysis

/// Feature frames as one-line JSON objects (`"type":"frame"`): the shape of `analyze --frames`,
/// `serve --print` and the live stream. `wallClockSeconds`, when given, adds `"wall_clock"`;
/// `fields` chooses the groups of fields (a subscriber's are ``FrameFields/init(_:)``).
public enum FrameJSON {
    public static func encode(_ frame: FeatureFrame, wallClockSeconds: Double? = nil, fields: FrameFields = .all) -> String {
        var out = "{\"type\":\"frame\",\"index\":\(frame.index),\"t\":\(JSONText.rounded(frame.timeSeconds, 4))"
        if let wallClockSeconds { out += ",\"wall_clock\":\(JSONText.rounded(wallClockSeconds, 4))" }
        out += ",\"tempo_bpm\":\(JSONText.rounded(frame.tempoBPM))"
        out += frame.key.map { ",\"key\":\"\($0)\"" } ?? ",\"key\":null"
        if fields.contains(.levels) {
            out += ",\"peak_dbfs\":\(JSONText.rounded(frame.peakDBFS)),\"rms_dbfs\":\(JSONText.rounded(frame.rmsDBFS))"
        }
        if fields.contains(.loudness) {
            out += ",\"lufs_momentary\":\(JSONText.rounded(frame.momentaryLUFS)),\"lufs_short_term\":\(JSONText.rounded(frame.shortTermLUFS))"
            out += ",\"lufs_integrated\":\(JSONText.rounded(frame.integratedLUFS))"
        }
        if fields.contains(.spectral) {
            out += ",\"centroid_hz\":\(JSONText.rounded(frame.centroidHz, 1)),\"rolloff_hz\":\(JSONText.rounded(frame.rolloffHz, 1))"
            out += ",\"flatness\":\(JSONText.rounded(frame.flatness, 4)),\"flux\":\(JSONText.rounded(frame.flux, 4))"
        }
        if fields.contains(.tracking) {
            out += ",\"tempo_confidence\":\(JSONText.rounded(frame.tempoConfidence, 3))"
            out += ",\"key_confidence\":\(JSONText.rounded(frame.keyConfidence, 3)),\"tuning_cents\":\(JSONText.rounded(frame.tuningCents, 1))"
            out += ",\"key_runner_up\":" + (frame.keyRunnerUp.map { JSONText.quoted($0.description) } ?? "null")
            out += ",\"key_margin\":\(JSONText.rounded(frame.keyMargin, 3))"
            out += ",\"tempo_locked\":\(frame.tempoLocked),\"beats_per_bar\":\(frame.beatsPerBar)"
            out += ",\"next_beat_t\":" + (frame.nextBeatSeconds >= 0 ? JSONText.rounded(frame.nextBeatSeconds, 4) : "null")
        }
        if fields.contains(.chroma) { out += ",\"chroma\":" + JSONText.list(frame.chroma, digits: 3) }
        if fields.contains(.mfcc) { out += ",\"mfcc\":" + JSONText.list(frame.mfcc, digits: 2) }
        if fields.contains(.spectrum) { out += ",\"spectrum_db\":" + JSONText.list(frame.spectrum, digits: 1) }
        return out + "}"
    }
}
