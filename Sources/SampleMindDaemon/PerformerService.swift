import SampleMindLog
import SampleMindCapture
import SampleMindConfiguration
import SampleMindEngine
import SampleMindPerformance
import SampleMindRealtime
import SampleMindStreaming

/// The daemon's performer outputs, set up from the configuration: the OSC sender, the OSC
/// control listener and the MIDI clock's driver (each only when configured).
final class PerformerService: DaemonService {
    let name = "performer outputs"
    let role = ServiceRole.output
    private(set) var sender: OSCSender?
    private(set) var listener: OSCControlListener?
    private(set) var clock: MIDIClockDriver?

    /// Bad targets (malformed, unresolvable) and a listening port that cannot be had are errors here.
    /// `clockSchedule` is the JACK input's, when the MIDI clock is on.
    init(_ options: LoadedConfiguration, engine: LiveEngine, clockSchedule: ClockSchedule?, log: LogSink) throws(OSCError) {
        if let clockSchedule {
            clock = MIDIClockDriver(schedule: clockSchedule, queue: engine.addConsumer(name: "midi-clock", capacity: 1_024),
                                            leadMilliseconds: options.integer("midi.lead_ms"))
        }
        let lead = options.integer("osc.lead_ms")
        var targets: [OSCTarget] = []
        for text in options.strings("osc.targets") {
            switch OSCTarget.parse(text, defaultLead: lead) {
            case .success(let target): targets.append(target)
            case .failure(let error): throw error
            }
        }
        if !targets.isEmpty {
            var settings = OSCSender.Settings()
            settings.targets = targets
            settings.levelRateHz = options.number("osc.level_rate_hz")
            settings.bundles = options.boolean("osc.bundles")
            let sender = try OSCSender(settings: settings, queue: engine.addConsumer(name: "osc", capacity: 1_024))
            self.sender = sender
            log(.info, "sending OSC to \(targets.map(\.description).joined(separator: ", "))")
        }
        let port = options.integer("osc.listen_port")
        if port > 0 {
            let host = options.string("osc.listen_host") ?? "127.0.0.1"
            let listener = try OSCControlListener(host: host, port: port, controls: engine.addControlSource(name: "osc"))
            self.listener = listener
            log(.info, "taking stage controls over OSC on udp://\(host.contains(":") ? "[\(host)]" : host):\(listener.port)")
        }
    }

    /// The outputs' counters, for /metrics.
    func report(into status: inout DaemonStatus) {
        status.oscTargets = (sender?.destinations ?? []).map {
            ($0.target.description, $0.sent.load(ordering: .relaxed), $0.failed.load(ordering: .relaxed))
        }
        status.oscControlsRefused = listener?.refused.load(ordering: .relaxed) ?? 0
    }

    func start() {
        clock?.start()
        sender?.start()
        listener?.start()
    }

    func stop() {
        listener?.stop()
        sender?.stop()
        clock?.stop()
    }
}
