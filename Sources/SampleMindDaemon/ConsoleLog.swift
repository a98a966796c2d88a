import SampleMindLog
import Foundation
import SampleMindCapture
import Synchronization

/// Log lines on standard error, one per event: `samplemind: warning: …` for people, or one JSON
/// object per line (`--log-format json`) for collectors. Never called from the real-time threads
/// (they only count; the main thread reports their counters).
enum ConsoleLog {
    private static let minimumLevel = Atomic<Int>(LogLevel.info.rawValue)
    private static let asJSON = Atomic<Bool>(false)

    static func configure(level: String, json: Bool) {
        let chosen: LogLevel = ["debug": .debug, "info": .info, "warning": .warning, "error": .error][level] ?? .info
        minimumLevel.store(chosen.rawValue, ordering: .relaxed)
        asJSON.store(json, ordering: .relaxed)
    }

    static let sink: LogSink = { level, message in
        guard level.rawValue >= minimumLevel.load(ordering: .relaxed) else { return }
        let line: String
        if asJSON.load(ordering: .relaxed) {
            let time = ISO8601DateFormatter().string(from: Date())
            let escaped = String(data: (try? JSONSerialization.data(withJSONObject: [message], options: [.withoutEscapingSlashes])) ?? Data(), encoding: .utf8)?
                .dropFirst().dropLast() ?? ""
            line = "{\"time\":\"\(time)\",\"level\":\"\(level.name)\",\"message\":\(escaped)}"
        } else {
            line = "samplemind: \(level.name): \(message)"
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
