import Foundation
import SampleMindValidation

/// One option: its full key path (`server.port`), what it takes, its default and its meaning.
public struct ConfigurationOption: Sendable {
    public enum Kind: Sendable {
        case string(allowed: [String]?)
        case integer(ClosedRange<Int>)
        case number(ClosedRange<Double>)
        case boolean
        case strings
    }

    public let path: String
    public let kind: Kind
    public let defaultValue: ConfigurationValue?
    public let help: String

    /// `SAMPLEMIND_SERVER_PORT` for `server.port`.
    public var environmentName: String {
        "SAMPLEMIND_" + path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// What the option expects, for messages.
    public var expectation: String {
        switch kind {
        case .string(let allowed?): return "one of " + allowed.map { "\"\($0)\"" }.joined(separator: ", ")
        case .string(nil): return "a string"
        case .integer(let range): return "a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .number(let range): return "a number from \(range.lowerBound) to \(range.upperBound)"
        case .boolean: return "true or false"
        case .strings: return "a list of strings"
        }
    }

    /// The value if it fits this option (integers are accepted where numbers are), else nil.
    public func accept(_ value: ConfigurationValue) -> ConfigurationValue? {
        switch (kind, value) {
        case (.string(let allowed), .string(let text)):
            return allowed.map { $0.contains(text) } ?? true ? value : nil
        case (.integer(let range), .integer(let number)):
            return CheckedNumber.wholeNumber(number, in: range).map { .integer($0) }
        case (.number(let range), .number(let number)):
            return CheckedNumber.number(number, in: range).map { .number($0) }
        case (.number(let range), .integer(let number)):
            return CheckedNumber.number(Double(number), in: range).map { .number($0) }
        case (.boolean, .boolean), (.strings, .strings):
            return value
        default:
            return nil
        }
    }

    /// Parses an environment variable's text into this option's kind; numbers outside the range
    /// (and "nan", "inf") are refused here already.
    public func parse(text: String) -> ConfigurationValue? {
        switch kind {
        case .string: return .string(text)
        case .integer(let range): return CheckedNumber.wholeNumber(parsing: text, in: range).map { .integer($0) }
        case .number(let range): return CheckedNumber.number(parsing: text, in: range).map { .number($0) }
        case .boolean:
            switch text.lowercased() {
            case "true", "1", "yes": return .boolean(true)
            case "false", "0", "no": return .boolean(false)
            default: return nil
            }
        case .strings:
            return .strings(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
    }
}
