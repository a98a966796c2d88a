/// How serious a message is.
public enum LogLevel: Int, Sendable, Comparable {
    case debug, info, warning, error

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public var name: String {
        switch self {
        case .debug: return "debug"
        case .info: return "info"
        case .warning: return "warning"
        case .error: return "error"
        }
    }
}

/// Where every part of the daemon reports what happens, from its control or worker threads (never
/// from a real-time callback, which only counts).
public typealias LogSink = @Sendable (LogLevel, String) -> Void
