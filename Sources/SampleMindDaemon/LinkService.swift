import SampleMindConfiguration
import SampleMindEngine
import SampleMindLink
import SampleMindLog
import SampleMindStreaming

/// Ableton Link as a daemon service (`[link]`): made only when `link.enabled` is on, so with the
/// default configuration Link never starts and sends nothing.
///
/// Not real-time safe: set-up and shut-down on the control thread; the driver has its own thread.
final class LinkService: DaemonService, StatusReporting {
    let name = "Ableton Link"
    let role = ServiceRole.output
    let driver: LinkDriver

    /// Nil when `link.enabled` is off.
    static func make(_ options: LoadedConfiguration, engine: LiveEngine, log: @escaping LogSink) throws(LinkError) -> LinkService? {
        guard options.boolean("link.enabled") else { return nil }
        var settings = LinkDriver.Settings()
        guard let mode = LinkDriver.Mode(rawValue: options.string("link.mode") ?? "lead") else {
            throw LinkError("link.mode must be \"lead\" or \"follow\"")
        }
        settings.mode = mode
        settings.offsetSeconds = Double(options.integer("link.offset_ms")) / 1000
        let driver = try LinkDriver(settings: settings, queue: engine.addConsumer(name: "link", capacity: 1_024),
                                    controls: mode == .follow ? engine.addControlSource(name: "link") : nil, log: log)
        log(.info, "Ableton Link on, \(mode == .lead ? "leading the session's tempo and beat grid" : "following the session's tempo")")
        return LinkService(driver: driver)
    }

    private init(driver: LinkDriver) { self.driver = driver }

    func start() { driver.start() }

    func stop() { driver.stop() }

    func report(into status: inout DaemonStatus) {
        status.serviceMetrics += [
            ServiceMetric(name: "link_peers", type: "gauge",
                          help: "Other Ableton Link peers in the session.", samples: [("", Double(driver.peers.load(ordering: .relaxed)))], status: ("link", "peers")),
            ServiceMetric(name: "link_session_tempo_bpm", type: "gauge",
                          help: "The Ableton Link session's tempo.",
                          samples: [("", Double(driver.sessionTempoMilliBPM.load(ordering: .relaxed)) / 1000)], status: ("link", "session_tempo_bpm")),
            ServiceMetric(name: "link_offset_ms", type: "gauge",
                          help: "link.offset_ms: added to each detected beat before it goes on Link's timeline.",
                          samples: [("", driver.settings.offsetSeconds * 1000)], status: ("link", "offset_ms")),
            ServiceMetric(name: "link_grid_error_ms", type: "gauge",
                          help: "Lead mode: the session's beat minus the detected beat at the last prediction.",
                          samples: [("", Double(driver.gridErrorMicros.load(ordering: .relaxed)) / 1000)], status: ("link", "grid_error_ms")),
            ServiceMetric(name: "link_tempos_taken_total", type: "counter",
                          help: "Follow mode: session tempos handed to the tracker.",
                          samples: [("", Double(driver.temposTaken.load(ordering: .relaxed)))], status: ("link", "tempos_taken")),
        ]
    }
}
