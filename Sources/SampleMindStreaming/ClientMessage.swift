import Foundation
import SampleMindAnalysis
import SampleMindProtocol

/// The features a client can subscribe to; each adds its fields to `frame` messages.
public enum Feature: String, CaseIterable, Sendable, Hashable {
    /// peak_dbfs, rms_dbfs
    case levels
    /// lufs_momentary, lufs_short_term, lufs_integrated
    case loudness
    /// centroid_hz, rolloff_hz, flatness, flux
    case spectral
    /// spectrum_db (96 log-frequency bands), or a binary message when asked for
    case spectrum
    case chroma
    case mfcc
    /// tempo_confidence, key_confidence, tuning_cents (tempo_bpm and key are always there)
    case tracking

    public static let defaults: Set<Feature> = [.levels, .loudness, .spectral, .tracking]

    /// The frame fields this feature adds.
    var fields: FrameFields {
        switch self {
        case .levels: return .levels
        case .loudness: return .loudness
        case .spectral: return .spectral
        case .spectrum: return .spectrum
        case .chroma: return .chroma
        case .mfcc: return .mfcc
        case .tracking: return .tracking
        }
    }
}

/// What a client asked for, after validation.
public struct Subscription: Sendable, Equatable {
    public static let frameRates: ClosedRange<Double> = 1...120
    public var features: Set<Feature> = Feature.defaults
    public var maximumFramesPerSecond = 30.0
    /// Spectrum as binary Float32 messages instead of a JSON array.
    public var binarySpectrum = false

    public init() {}
}

/// A message from a client, or why it was refused.
public enum ClientMessage: Sendable, Equatable {
    case subscribe(Subscription)
    case ping(id: String?)
    /// A stage control: `{"type":"control","command":"tap"}`, `{"type":"control","command":"meter","value":3}`.
    case control(StageControl)

    /// A refusal: a stable code and a sentence for people.
    public struct Refusal: Error, Sendable, Equatable {
        public let code: String
        public let message: String
    }

    /// The fields any client message may have; unknown fields are ignored (additive protocol).
    private struct Fields: Decodable {
        var type: String?
        var features: [String]?
        var max_fps: Double?
        var binary_spectrum: Bool?
        var id: String?
        var command: String?
        var value: Double?
    }

    /// Parses one text message. Pure and total: any bytes give a message or a refusal.
    public static func parse(_ bytes: [UInt8]) -> Result<ClientMessage, Refusal> {
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(bytes))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            return .failure(refusal(forField: context.codingPath[0].stringValue))
        } catch DecodingError.valueNotFound(_, let context) where !context.codingPath.isEmpty {
            return .failure(refusal(forField: context.codingPath[0].stringValue))
        } catch {
            return .failure(Refusal(code: "bad_json", message: "messages must be JSON objects, e.g. {\"type\":\"subscribe\"}"))
        }
        guard let type = fields.type else {
            return .failure(Refusal(code: "bad_message", message: "every message needs a \"type\" string"))
        }
        switch type {
        case "subscribe": return subscription(from: fields).map { .subscribe($0) }
        case "ping": return .success(.ping(id: fields.id.map { String($0.prefix(64)) }))
        case "control":
            guard let command = fields.command else {
                return .failure(Refusal(code: "bad_message",
                                        message: "a control needs a \"command\": \(StageControl.commandNames.joined(separator: ", "))"))
            }
            return StageControl.parse(command: command, value: fields.value)
                .map { .control($0) }
                .mapError { Refusal(code: $0.code, message: $0.message) }
        default:
            return .failure(Refusal(code: "unknown_type", message: "unknown message type \"\(type.prefix(40))\"; use subscribe, ping or control"))
        }
    }

    private static func refusal(forField name: String) -> Refusal {
        let expected: String
        switch name {
        case "type", "id", "command": expected = "a string"
        case "value": expected = "a number"
        case "features": expected = "a list of feature names"
        case "max_fps": expected = "a number from 1 to 120"
        case "binary_spectrum": expected = "true or false"
        default: expected = "another type"
        }
        return Refusal(code: "bad_field", message: "\"\(name.prefix(40))\" must be \(expected)")
    }

    private static func subscription(from fields: Fields) -> Result<Subscription, Refusal> {
        var subscription = Subscription()
        if let names = fields.features {
            var features = Set<Feature>()
            for name in names {
                guard let feature = Feature(rawValue: name) else {
                    return .failure(Refusal(code: "unknown_feature",
                                            message: "unknown feature \"\(name.prefix(40))\"; available: \(Feature.allCases.map(\.rawValue).joined(separator: ", "))"))
                }
                features.insert(feature)
            }
            subscription.features = features
        }
        if let rate = fields.max_fps {
            guard rate.isFinite, Subscription.frameRates.contains(rate) else {
                return .failure(Refusal(code: "out_of_range", message: "\"max_fps\" must be between 1 and 120"))
            }
            subscription.maximumFramesPerSecond = rate
        }
        if let binary = fields.binary_spectrum { subscription.binarySpectrum = binary }
        return .success(subscription)
    }
}
