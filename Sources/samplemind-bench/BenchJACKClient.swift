import CJACK

/// A benchmark's JACK client with one audio output, `out`, and one MIDI input, `midiInputName`:
/// it plays into the daemon and listens to what comes back. Nil when JACK refuses any of it.
func openBenchJACKClient(name: String, midiInputName: String) -> (client: OpaquePointer, output: OpaquePointer, midiInput: OpaquePointer)? {
    var status = jack_status_t(rawValue: 0)
    guard let client = samplemind_jack_client_open(name, JackNoStartServer, &status) else { return nil }
    guard let output = jack_port_register(client, "out", "32 bit float mono audio", UInt(JackPortIsOutput.rawValue), 0),
          let midiInput = jack_port_register(client, midiInputName, "8 bit raw midi", UInt(JackPortIsInput.rawValue), 0) else {
        jack_client_close(client)
        return nil
    }
    return (client, output, midiInput)
}
