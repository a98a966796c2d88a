import SampleMindLog
import CWebSockets
import SampleMindRealtime
import Synchronization

/// libwebsockets' own messages, routed into SampleMind's log (so `--log-format json` holds for
/// them too) and rate-limited: a library that meets the same fault in a loop (an `accept` that
/// keeps failing) must not flood the log.
enum LibWebSocketsLog {
    /// Most libwebsockets lines logged per minute; the rest are counted and summed up once.
    static let linesPerMinute = 10

    private struct State {
        var sink: LogSink?
        var windowStart = 0.0
        var linesInWindow = 0
        var suppressed = 0
    }

    private static let state = Mutex(State())

    /// Sends libwebsockets' errors and warnings to `sink` from now on (errors as warnings: the
    /// daemon decides what is an error). Any thread.
    static func route(to sink: @escaping LogSink) {
        state.withLock { $0.sink = sink }
        lws_set_log_level(Int32(LLL_ERR | LLL_WARN), libWebSocketsLogLine)
    }

    /// One line from libwebsockets, on whichever thread it logged from (the network thread, or the
    /// thread starting or stopping the server).
    fileprivate static func emit(level: Int32, line: String) {
        let now = MonotonicClock.seconds()
        let (sink, summary): (LogSink?, String?) = state.withLock { state in
            var summary: String?
            if now - state.windowStart >= 60 {
                if state.suppressed > 0 { summary = "libwebsockets: \(state.suppressed) more messages in the last minute were not logged" }
                state.windowStart = now
                state.linesInWindow = 0
                state.suppressed = 0
            }
            guard state.linesInWindow < linesPerMinute else {
                state.suppressed += 1
                return (nil, summary)
            }
            state.linesInWindow += 1
            return (state.sink, summary)
        }
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if let summary { sink?(.warning, summary) }
        sink?(level & Int32(LLL_ERR) != 0 ? .warning : .info, "libwebsockets: " + text)
    }
}

/// libwebsockets' log callback: a plain function (see DESIGN.md on C callbacks).
private func libWebSocketsLogLine(_ level: Int32, _ line: UnsafePointer<CChar>?) {
    guard let line else { return }
    LibWebSocketsLog.emit(level: level, line: String(cString: line))
}
