import ArgumentParser
import SampleMindConfiguration

/// OSC out and in, and the MIDI clock.
struct PerformerOptions: ServeOptionGroup {
    @Option(name: .customLong("osc"), help: "Send OSC to HOST:PORT, or HOST:PORT@LEADms (repeatable). [osc.targets]")
    var oscTargets: [String] = []

    @Option(help: "Send beats this many milliseconds early over OSC (0–500). [osc.lead_ms]")
    var leadMs: Int?

    @Option(help: "Take stage controls over OSC on this UDP port (0: off). [osc.listen_port]")
    var oscListenPort: Int?

    @Flag(help: "Send MIDI clock on the JACK MIDI port CLIENT:midi_clock. [midi.clock]")
    var midiClock = false

    func overrides(into values: inout [String: ConfigurationValue]) {
        if !oscTargets.isEmpty { values["osc.targets"] = .strings(oscTargets) }
        if let leadMs { values["osc.lead_ms"] = .integer(leadMs) }
        if let oscListenPort { values["osc.listen_port"] = .integer(oscListenPort) }
        if midiClock { values["midi.clock"] = .boolean(true) }
    }
}
