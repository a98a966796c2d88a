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
            return range.contains(number) ? value : nil
        case (.number(let range), .number(let number)):
            return range.contains(number) ? value : nil
        case (.number(let range), .integer(let number)):
            return range.contains(Double(number)) ? .number(Double(number)) : nil
        case (.boolean, .boolean), (.strings, .strings):
            return value
        default:
            return nil
        }
    }

    /// Parses an environment variable's text into this option's kind.
    public func parse(text: String) -> ConfigurationValue? {
        switch kind {
        case .string: return .string(text)
        case .integer: return Int(text).map { .integer($0) }
        case .number: return Double(text).map { .number($0) }
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

import Foundation
