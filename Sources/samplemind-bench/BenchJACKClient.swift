import CJACK
import Glibc

/// A benchmark's JACK client: opened on the running server (never starting one), with the ports
/// its owner registers, a process callback once activated, and closed by ``close()`` or when
/// released. The owner passes itself as the callback's context (unretained), so it must close
/// the client before freeing anything the callback touches.
final class BenchJACKClient {
    enum PortKind {
        case audioOutput, midiInput

        var type: String {
            switch self {
            case .audioOutput: return "32 bit float mono audio"
            case .midiInput: return "8 bit raw midi"
            }
        }

        var flags: UInt {
            switch self {
            case .audioOutput: return UInt(JackPortIsOutput.rawValue)
            case .midiInput: return UInt(JackPortIsInput.rawValue)
            }
        }
    }

    let client: OpaquePointer
    private var open = true

    /// Nil when no server answers.
    init?(name: String) {
        var status = jack_status_t(rawValue: 0)
        guard let client = samplemind_jack_client_open(name, JackNoStartServer, &status) else { return nil }
        self.client = client
    }

    deinit { close() }

    /// The port CLIENT:`name`, or nil when JACK refuses it.
    func register(_ name: String, _ kind: PortKind) -> OpaquePointer? {
        jack_port_register(client, name, kind.type, kind.flags, 0)
    }

    /// Starts calling `process` every period with `context`; false when JACK refuses.
    func activate(process: JackProcessCallback, context: UnsafeMutableRawPointer) -> Bool {
        jack_set_process_callback(client, process, context)
        return jack_activate(client) == 0
    }

    /// Connects two ports by name; true when they are connected (also when they already were).
    func connect(_ source: String, _ destination: String) -> Bool {
        let result = jack_connect(client, source, destination)
        return result == 0 || result == EEXIST
    }

    /// Stops the callback and closes the client; later calls do nothing.
    func close() {
        guard open else { return }
        open = false
        jack_client_close(client)
    }
}
