import SampleMindCapture
import SampleMindConfiguration
import SampleMindEngine
import SampleMindPerformance

/// The daemon's performer outputs, set up from the configuration: the OSC sender and the OSC
/// control listener (each only when configured).
struct PerformerOutputs {
    var sender: OSCSender?
    var listener: OSCControlListener?

    /// Bad targets (malformed, unresolvable) and a listening port that cannot be had are errors here.
    static func make(_ options: LoadedConfiguration, engine: LiveEngine, log: LogSink) throws(OSCError) -> PerformerOutputs {
        var outputs = PerformerOutputs()
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
            outputs.sender = sender
            log(.info, "sending OSC to \(targets.map(\.description).joined(separator: ", "))")
        }
        let port = options.integer("osc.listen_port")
        if port > 0 {
            let host = options.string("osc.listen_host") ?? "127.0.0.1"
            let listener = try OSCControlListener(host: host, port: port, controls: engine.addControlSource(name: "osc"))
            outputs.listener = listener
            log(.info, "taking stage controls over OSC on udp://\(host.contains(":") ? "[\(host)]" : host):\(listener.port)")
        }
        return outputs
    }

    func start() {
        sender?.start()
        listener?.start()
    }

    func stop() {
        listener?.stop()
        sender?.stop()
    }
}
