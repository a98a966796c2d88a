import SampleMindAnalysis

/// Feature frames as one-line JSON objects (`"type":"frame"`): the shape of `analyze --frames`,
/// `serve --print` and the live stream. `wallClockSeconds`, when given, adds `"wall_clock"`.
public enum FrameJSON {
    public static func encode(_ frame: FeatureFrame, wallClockSeconds: Double? = nil) -> String {
        var out = "{\"type\":\"frame\",\"index\":\(frame.index),\"t\":\(rounded(frame.timeSeconds, 4))"
        if let wallClockSeconds { out += ",\"wall_clock\":\(rounded(wallClockSeconds, 4))" }
        out += ",\"peak_dbfs\":\(rounded(frame.peakDBFS)),\"rms_dbfs\":\(rounded(frame.rmsDBFS))"
        out += ",\"centroid_hz\":\(rounded(frame.centroidHz, 1)),\"rolloff_hz\":\(rounded(frame.rolloffHz, 1))"
        out += ",\"flatness\":\(rounded(frame.flatness, 4)),\"flux\":\(rounded(frame.flux, 4))"
        out += ",\"lufs_momentary\":\(rounded(frame.momentaryLUFS)),\"lufs_short_term\":\(rounded(frame.shortTermLUFS))"
        out += ",\"lufs_integrated\":\(rounded(frame.integratedLUFS))"
        out += ",\"tempo_bpm\":\(rounded(frame.tempoBPM)),\"tempo_confidence\":\(rounded(frame.tempoConfidence, 3))"
        if let key = frame.key {
            out += ",\"key\":\"\(key)\""
        } else {
            out += ",\"key\":null"
        }
        out += ",\"key_confidence\":\(rounded(frame.keyConfidence, 3)),\"tuning_cents\":\(rounded(frame.tuningCents, 1))"
        out += ",\"chroma\":" + list(frame.chroma, digits: 3)
        out += ",\"mfcc\":" + list(frame.mfcc, digits: 2)
        out += ",\"spectrum_db\":" + list(frame.spectrum, digits: 1)
        return out + "}"
    }

    static func list<let n: Int>(_ values: InlineArray<n, Float>, digits: Int) -> String {
        var out = "["
        for i in 0..<n {
            if i > 0 { out += "," }
            out += rounded(values[i], digits)
        }
        return out + "]"
    }

    static func rounded(_ value: Float, _ digits: Int = 2) -> String { rounded(Double(value), digits) }

    static func rounded(_ value: Double, _ digits: Int = 2) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (value * scale).rounded() / scale
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
