import SampleMindValidation

/// A configuration value as written, before it is checked against its option.
public enum ConfigurationValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
    case strings([String])

    /// The value for messages and `check-config`, on one line: control characters in strings are escaped.
    public var description: String {
        switch self {
        case .string(let text): return "\"\(PrintableText.escaped(text))\""
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .boolean(let value): return String(value)
        case .strings(let list): return "[" + list.map { "\"\(PrintableText.escaped($0))\"" }.joined(separator: ", ") + "]"
        }
    }
}

/// Where an effective value came from, lowest precedence first.
public enum ConfigurationSource: Int, Sendable, Comparable, CustomStringConvertible {
    case defaults, file, environment, commandLine

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .defaults: return "default"
        case .file: return "file"
        case .environment: return "environment"
        case .commandLine: return "command line"
        }
    }
}

/// What is wrong with the configuration, with where and what to do. The daemon exits 78 (EX_CONFIG).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public static let exitStatus: Int32 = 78
    public let description: String
    public init(_ description: String) { self.description = description }
}
