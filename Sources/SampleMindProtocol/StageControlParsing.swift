import SampleMindAnalysis
import SampleMindValidation

/// Stage controls by name, as the WebSocket (`{"type":"control","command":"meter","value":3}`)
/// and OSC (`/samplemind/meter 3`) front ends receive them.
extension StageControl {
    public static let commandNames = ["tap", "lock", "unlock", "downbeat", "meter", "reset"]

    /// A refusal: a stable code and a sentence for people.
    public struct Refusal: Error, Sendable, Equatable {
        public let code: String
        public let message: String
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The control `command` names, with its value (only `meter` takes one: beats per bar). Total:
    /// any value, NaN, infinities and 1e308 included, gives a control or a refusal, never a trap.
    public static func parse(command: String, value: Double?) -> Result<StageControl, Refusal> {
        let simple: [String: StageControl] = ["tap": .tap, "lock": .lock, "unlock": .unlock, "downbeat": .downbeat, "reset": .reset]
        if let control = simple[command] {
            guard value == nil else {
                return .failure(Refusal(code: "bad_field", message: "\"\(command)\" takes no value"))
            }
            return .success(control)
        }
        guard command == "meter" else {
            return .failure(Refusal(code: "unknown_command",
                                    message: "unknown control \"\(command.prefix(40))\"; use \(commandNames.joined(separator: ", "))"))
        }
        guard let value else {
            return .failure(Refusal(code: "bad_field", message: "\"meter\" needs a value: the beats per bar, 1 to 16"))
        }
        guard let count = CheckedNumber.wholeNumber(value, in: meterRange) else {
            return .failure(Refusal(code: "out_of_range", message: "the meter must be a whole number of beats per bar from 1 to 16"))
        }
        return .success(.meter(count))
    }

    /// The value sent back in acknowledgements (`meter` only).
    public var value: Int? {
        if case .meter(let count) = self { return count }
        return nil
    }
}
