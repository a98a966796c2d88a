import SampleMindLog
import CJACK
import SampleMindValidation
import Synchronization

/// libjack's own messages, routed into SampleMind's log at debug level instead of libjack's
/// default of printing them on standard error. While no server runs, every attempt to connect
/// makes libjack print five lines ("Cannot connect to server socket …"); as our log's debug lines
/// they keep `--log-format json` whole and the daemon's log readable, and `--log-level debug`
/// still shows them.
///
/// libjack keeps one error and one info function for the whole process, so the sink is
/// process-wide too: the latest one routed receives every JACK client's messages.
enum JACKLog {
    private static let sink = Mutex<LogSink?>(nil)

    /// From now on, libjack's messages go to `sink`. Any thread; call before opening a client.
    static func route(to sink: @escaping LogSink) {
        self.sink.withLock { $0 = sink }
        takeOver()
    }

    /// From now on, libjack prints nothing itself: its messages go to the sink routed last, and
    /// are dropped while there is none. Any thread; call before opening a client.
    static func takeOver() {
        jack_set_error_function(jackErrorLine)
        jack_set_info_function(jackInfoLine)
    }

    /// One message from libjack, on whichever thread printed it: the thread opening or closing a
    /// client, or one of libjack's own threads. Not real-time safe (it allocates and locks), as
    /// libjack's own printing is not: libjack reports errors this way, not the steady state.
    fileprivate static func emit(_ message: UnsafePointer<CChar>?) {
        guard let message, let sink = sink.withLock({ $0 }) else { return }
        var text = String(cString: message)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard !text.isEmpty else { return }
        // Escaped, so a newline inside a message (a path, a client name) cannot start a log line of its own.
        sink(.debug, "libjack: " + PrintableText.escaped(text))
    }
}

// libjack's message callbacks: plain functions (see DESIGN.md on C callbacks).

private func jackErrorLine(_ message: UnsafePointer<CChar>?) { JACKLog.emit(message) }

private func jackInfoLine(_ message: UnsafePointer<CChar>?) { JACKLog.emit(message) }
