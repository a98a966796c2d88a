import SampleMindConfiguration
import SampleMindEngine
import SampleMindLog
import SampleMindPerformance
import SampleMindStreaming

/// WLED Audio Sync as a daemon service (`[wled]`): made only when `wled.enabled` is on, so with
/// the default configuration no socket is opened and nothing is sent.
///
/// Not real-time safe: set-up and shut-down on the control thread; the sender has its own thread.
final class AudioSyncService: DaemonService, StatusReporting {
    let name = "WLED Audio Sync"
    let role = ServiceRole.output
    let sender: AudioSyncSender

    /// Nil when `wled.enabled` is off. Bad targets (malformed, unresolvable) are errors here.
    static func make(_ options: LoadedConfiguration, engine: LiveEngine, log: @escaping LogSink) throws(AudioSyncError) -> AudioSyncService? {
        guard options.boolean("wled.enabled") else { return nil }
        var settings = AudioSyncSender.Settings()
        for text in options.strings("wled.targets") {
            switch AudioSyncTarget.parse(text) {
            case .success(let target): settings.targets.append(target)
            case .failure(let error): throw error
            }
        }
        settings.rateHz = options.number("wled.rate_hz")
        settings.leadSeconds = Double(options.integer("wled.lead_ms")) / 1000
        let sender = try AudioSyncSender(settings: settings, queue: engine.addConsumer(name: "wled", capacity: 1_024), log: log)
        log(.info, "sending WLED Audio Sync to \(sender.destinations.map(\.target.description).joined(separator: ", ")) at \(settings.rateHz) packets/s")
        return AudioSyncService(sender: sender)
    }

    private init(sender: AudioSyncSender) { self.sender = sender }

    func start() { sender.start() }

    func stop() { sender.stop() }

    func report(into status: inout DaemonStatus) {
        func byTarget(_ value: (AudioSyncSender.Destination) -> Int) -> [(labels: String, value: Double)] {
            sender.destinations.map { ("{target=\"\($0.target.description)\"}", Double(value($0))) }
        }
        status.serviceMetrics += [
            ServiceMetric(name: "wled_packets_sent_total", type: "counter",
                          help: "WLED Audio Sync packets sent, by target.", samples: byTarget { $0.sent.load(ordering: .relaxed) }, status: ("wled", "packets_sent")),
            ServiceMetric(name: "wled_send_failures_total", type: "counter",
                          help: "WLED Audio Sync packets the network refused (interface down or gone, nobody listening), by target.",
                          samples: byTarget { $0.failed.load(ordering: .relaxed) }, status: ("wled", "send_failures")),
            ServiceMetric(name: "wled_outages_total", type: "counter",
                          help: "Times sending WLED Audio Sync started failing after it had worked, by target.",
                          samples: byTarget { $0.outages.load(ordering: .relaxed) }, status: ("wled", "outages")),
            ServiceMetric(name: "wled_peaks_sent_total", type: "counter",
                          help: "WLED Audio Sync packets sent with the peak flag (one per beat).",
                          samples: [("", Double(sender.peaksSent.load(ordering: .relaxed)))], status: ("wled", "peaks_sent")),
        ]
    }
}

/// A service with numbers of its own for /metrics and /v1/status.
protocol StatusReporting: AnyObject {
    /// Called on the network thread: reads atomics only.
    func report(into status: inout DaemonStatus)
}
