import Foundation
import SampleMindAnalysis
import SampleMindProtocol

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
