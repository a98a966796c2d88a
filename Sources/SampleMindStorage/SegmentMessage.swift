import Foundation
import SampleMindAnalysis

/// A `segment` message from another daemon (MQTT `samplemind/<room>/segment`) read back into a
/// ``Segment`` to collect, every field checked: a size limit first, then JSON, then each number
/// finite and in range, each text short and known. Anything else is refused with the reason.
///
/// Not real-time safe: the collector's network thread.
public enum SegmentMessage {
    /// Larger than any segment message SampleMind sends (about 900 bytes with chroma and MFCC).
    public static let maximumBytes = 16_384

    /// Why a message was refused, short enough to log.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The segment `payload` describes, with `room` and the message's `instance` and `id` as its
    /// origin; the id here and the session are the collector's to give.
    public static func parse(_ payload: [UInt8], room: String) -> Result<Segment, Refusal> {
        guard !payload.isEmpty else { return .failure(Refusal("empty payload")) }
        guard payload.count <= maximumBytes else { return .failure(Refusal("\(payload.count) bytes, over the \(maximumBytes)-byte limit")) }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] else {
            return .failure(Refusal("not a JSON object"))
        }
        do {
            return .success(try segment(Fields(object), room: room))
        } catch {
            return .failure(error)
        }
    }

    private static func segment(_ fields: Fields, room: String) throws(Refusal) -> Segment {
        guard try fields.text("type", maximumBytes: 16) == "segment" else { throw Refusal("type is not \"segment\"") }
        let instance = try fields.text("instance", maximumBytes: 64)
        guard let instance, !instance.isEmpty, instance.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw Refusal("instance is missing or not 1–64 letters, digits and '-' (a publisher older than schema version 3?)")
        }
        let startSeconds = try fields.number("start_t", in: 0...1e10)
        let endSeconds = try fields.number("end_t", in: startSeconds...1e10)
        let startWall = try fields.number("start_wall", in: 0...1e11)
        let endWall = try fields.number("end_wall", in: startWall...1e11)
        var keyText = try fields.text("key", maximumBytes: 32, optional: true)
        if let text = keyText {
            guard let key = MusicalKey(text) else { throw Refusal("key is not a key such as \"A minor\"") }
            keyText = key.description
        }
        guard let reasonText = try fields.text("close_reason", maximumBytes: 32), let reason = Segment.CloseReason(rawValue: reasonText) else {
            throw Refusal("close_reason is missing or unknown")
        }
        var segment = Segment(
            startSeconds: startSeconds, endSeconds: endSeconds, startWallClock: startWall, endWallClock: endWall,
            tempoBPM: try fields.number("tempo_bpm", in: 1...1_000, optional: true),
            tempoConfidence: try fields.number("tempo_confidence", in: 0...1e6),
            beatCount: Int(try fields.number("beat_count", in: 0...1e9, whole: true)),
            key: keyText, keyConfidence: try fields.number("key_confidence", in: -1e6...1e6),
            loudnessLUFS: try fields.number("loudness_lufs", in: -1_000...100, optional: true),
            loudnessRangeLU: try fields.number("loudness_range_lu", in: 0...1_000, optional: true),
            peakDBFS: try fields.number("peak_dbfs", in: -10_000...100),
            onsetRate: try fields.number("onset_rate", in: 0...10_000),
            // The timbre means, chroma and MFCC came with MQTT messages from the start of schema
            // version 3; they default to nothing so the rest of an older message is still usable.
            centroidHz: try fields.number("centroid_hz", in: 0...1e6, optional: true) ?? 0,
            rolloffHz: try fields.number("rolloff_hz", in: 0...1e6, optional: true) ?? 0,
            flatness: try fields.number("flatness", in: 0...1, optional: true) ?? 0,
            chroma: try fields.numbers("chroma", count: 12), mfcc: try fields.numbers("mfcc", count: 13), closeReason: reason)
        segment.room = room
        segment.instance = instance
        segment.sourceID = Int64(try fields.number("id", in: 1...9.0e15, whole: true))
        return segment
    }

    /// A decoded object's fields, read with checks.
    private struct Fields {
        let object: [String: Any]
        init(_ object: [String: Any]) { self.object = object }

        func number(_ name: String, in range: ClosedRange<Double>, whole: Bool = false) throws(Refusal) -> Double {
            guard let value = try number(name, in: range, whole: whole, optional: false) else { throw Refusal("\(name) is missing") }
            return value
        }

        func number(_ name: String, in range: ClosedRange<Double>, whole: Bool = false, optional: Bool) throws(Refusal) -> Double? {
            guard let raw = object[name], !(raw is NSNull) else {
                if optional { return nil }
                throw Refusal("\(name) is missing")
            }
            guard let value = (raw as? NSNumber)?.doubleValue, !(raw is String), value.isFinite, range.contains(value),
                  !whole || value.rounded() == value else {
                throw Refusal("\(name) is not a\(whole ? " whole" : "") number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        func text(_ name: String, maximumBytes: Int, optional: Bool = false) throws(Refusal) -> String? {
            guard let raw = object[name], !(raw is NSNull) else {
                if optional { return nil }
                throw Refusal("\(name) is missing")
            }
            guard let text = raw as? String, text.utf8.count <= maximumBytes,
                  !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw Refusal("\(name) is not text of at most \(maximumBytes) bytes without control characters")
            }
            return text
        }

        /// Exactly `count` finite numbers, or nothing when the message has none.
        func numbers(_ name: String, count: Int) throws(Refusal) -> [Float] {
            guard let raw = object[name], !(raw is NSNull) else { return [] }
            guard let list = raw as? [Any], list.count == count else { throw Refusal("\(name) is not a list of \(count) numbers") }
            var values: [Float] = []
            for item in list {
                guard let value = (item as? NSNumber)?.doubleValue, value.isFinite, abs(value) <= 1e6 else {
                    throw Refusal("\(name) holds something other than a finite number")
                }
                values.append(Float(value))
            }
            return values
        }
    }
}
