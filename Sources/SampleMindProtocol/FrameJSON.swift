import SampleMindAnalysis

/// Which groups of frame fields a message carries (`tempo_bpm` and `key` always come).
public struct FrameFields: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// peak_dbfs, rms_dbfs
    public static let levels = FrameFields(rawValue: 1 << 0)
    /// lufs_momentary, lufs_short_term, lufs_integrated
    public static let loudness = FrameFields(rawValue: 1 << 1)
    /// centroid_hz, rolloff_hz, flatness, flux
    public static let spectral = FrameFields(rawValue: 1 << 2)
    /// spectrum_db
    public static let spectrum = FrameFields(rawValue: 1 << 3)
    public static let chroma = FrameFields(rawValue: 1 << 4)
    public static let mfcc = FrameFields(rawValue: 1 << 5)
    /// tempo_confidence, key_confidence, tuning_cents, tempo_locked, beats_per_bar, next_beat_t
    public static let tracking = FrameFields(rawValue: 1 << 6)
    public static let all: FrameFields = [.levels, .loudness, .spectral, .spectrum, .chroma, .mfcc, .tracking]
}

/// Feature frames as one-line JSON objects (`"type":"frame"`): the shape of `analyze --frames`,
/// `serve --print` and the live stream. `wallClockSeconds`, when given, adds `"wall_clock"`.
public enum FrameJSON {
    public static func encode(_ frame: FeatureFrame, wallClockSeconds: Double? = nil) -> String {
        "{" + body(frame, wallClockSeconds: wallClockSeconds, fields: .all)
    }

    /// The object without its opening brace, so callers can put their own fields first.
    public static func body(_ frame: FeatureFrame, wallClockSeconds: Double?, fields: FrameFields) -> String {
        var out = "\"type\":\"frame\",\"index\":\(frame.index),\"t\":\(rounded(frame.timeSeconds, 4))"
        if let wallClockSeconds { out += ",\"wall_clock\":\(rounded(wallClockSeconds, 4))" }
        out += ",\"tempo_bpm\":\(rounded(frame.tempoBPM))"
        out += frame.key.map { ",\"key\":\"\($0)\"" } ?? ",\"key\":null"
        if fields.contains(.levels) {
            out += ",\"peak_dbfs\":\(rounded(frame.peakDBFS)),\"rms_dbfs\":\(rounded(frame.rmsDBFS))"
        }
        if fields.contains(.loudness) {
            out += ",\"lufs_momentary\":\(rounded(frame.momentaryLUFS)),\"lufs_short_term\":\(rounded(frame.shortTermLUFS))"
            out += ",\"lufs_integrated\":\(rounded(frame.integratedLUFS))"
        }
        if fields.contains(.spectral) {
            out += ",\"centroid_hz\":\(rounded(frame.centroidHz, 1)),\"rolloff_hz\":\(rounded(frame.rolloffHz, 1))"
            out += ",\"flatness\":\(rounded(frame.flatness, 4)),\"flux\":\(rounded(frame.flux, 4))"
        }
        if fields.contains(.tracking) {
            out += ",\"tempo_confidence\":\(rounded(frame.tempoConfidence, 3))"
            out += ",\"key_confidence\":\(rounded(frame.keyConfidence, 3)),\"tuning_cents\":\(rounded(frame.tuningCents, 1))"
            out += ",\"tempo_locked\":\(frame.tempoLocked),\"beats_per_bar\":\(frame.beatsPerBar)"
            out += ",\"next_beat_t\":" + (frame.nextBeatSeconds >= 0 ? rounded(frame.nextBeatSeconds, 4) : "null")
        }
        if fields.contains(.chroma) { out += ",\"chroma\":" + list(frame.chroma, digits: 3) }
        if fields.contains(.mfcc) { out += ",\"mfcc\":" + list(frame.mfcc, digits: 2) }
        if fields.contains(.spectrum) { out += ",\"spectrum_db\":" + list(frame.spectrum, digits: 1) }
        return out + "}"
    }

    public static func list<let n: Int>(_ values: InlineArray<n, Float>, digits: Int) -> String {
        var out = "["
        for i in 0..<n {
            if i > 0 { out += "," }
            out += rounded(values[i], digits)
        }
        return out + "]"
    }

    public static func rounded(_ value: Float, _ digits: Int = 2) -> String { rounded(Double(value), digits) }

    /// A JSON string literal for `text`, with quotes, backslashes and control characters escaped.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A number with at most `digits` decimals, without a trailing ".0"; non-finite values are null.
    public static func rounded(_ value: Double, _ digits: Int = 2) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (value * scale).rounded() / scale
        return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
    }
}
