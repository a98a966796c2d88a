import Foundation
import SampleMindCapture

/// Human-readable log lines on standard error: `samplemind: warning: …`. Never called from the
/// real-time threads (they only count).
enum ConsoleLog {
    static let sink: LogSink = { level, message in
        FileHandle.standardError.write(Data("samplemind: \(level.name): \(message)\n".utf8))
    }
}
