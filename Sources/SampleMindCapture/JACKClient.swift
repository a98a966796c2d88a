import CJACK
import Glibc

/// A plain JACK client for tools beside the daemon (the benchmarks' players and probes): opened
/// on the running server (never starting one), with the ports its owner registers, a process
/// callback once activated, and closed by ``close()`` or when released. The owner passes itself
/// as the callback's context (unretained), so it must close the client before freeing anything
/// the callback touches. The daemon's own input is ``JACKInput``.
public final class JACKClient {
    public enum PortKind: Sendable {
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

    /// A registered port.
    public struct Port: @unchecked Sendable {
        fileprivate let pointer: OpaquePointer
    }

    /// JACK's process callback: frames in this period, and the context given to ``activate(process:context:)``.
    public typealias ProcessCallback = @convention(c) (UInt32, UnsafeMutableRawPointer?) -> Int32

    private let client: OpaquePointer
    private var open = true

    /// Nil when no server answers.
    public init?(name: String) {
        var status = jack_status_t(rawValue: 0)
        guard let client = samplemind_jack_client_open(name, JackNoStartServer, &status) else { return nil }
        self.client = client
    }

    deinit { close() }

    /// The port CLIENT:`name`, or nil when JACK refuses it.
    public func register(_ name: String, _ kind: PortKind) -> Port? {
        jack_port_register(client, name, kind.type, kind.flags, 0).map(Port.init)
    }

    /// Starts calling `process` every period with `context`; false when JACK refuses.
    public func activate(process: ProcessCallback, context: UnsafeMutableRawPointer) -> Bool {
        jack_set_process_callback(client, process, context)
        return jack_activate(client) == 0
    }

    /// Connects two ports by name; true when they are connected (also when they already were).
    public func connect(_ source: String, _ destination: String) -> Bool {
        let result = jack_connect(client, source, destination)
        return result == 0 || result == EEXIST
    }

    /// Stops the callback and closes the client; later calls do nothing.
    public func close() {
        guard open else { return }
        open = false
        jack_client_close(client)
    }

    // In the process callback. Real-time safe: no allocation, locks or system calls.

    /// The frame time now (an estimate between periods).
    public var frameTime: UInt32 { jack_frame_time(client) }

    /// The frame time of this period's first frame.
    public var lastFrameTime: UInt32 { jack_last_frame_time(client) }

    /// JACK's time in microseconds (CLOCK_MONOTONIC_RAW) of frame `frame`.
    public func microseconds(atFrame frame: UInt32) -> UInt64 { jack_frames_to_time(client, frame) }

    /// JACK's time now, in microseconds (CLOCK_MONOTONIC_RAW).
    public static var currentMicroseconds: UInt64 { jack_get_time() }

    /// This period's samples of an audio port.
    public func audioBuffer(_ port: Port, frames: UInt32) -> UnsafeMutablePointer<Float> {
        jack_port_get_buffer(port.pointer, frames).assumingMemoryBound(to: Float.self)
    }

    /// Calls `body` with each MIDI event of this period on `port`: its frame offset in the period
    /// and its bytes.
    public func forEachMIDIEvent(_ port: Port, frames: UInt32, _ body: (UInt32, UnsafeBufferPointer<UInt8>) -> Void) {
        let buffer = jack_port_get_buffer(port.pointer, frames)
        for index in 0..<jack_midi_get_event_count(buffer) {
            var event = jack_midi_event_t()
            guard jack_midi_event_get(&event, buffer, index) == 0, let data = event.buffer else { continue }
            body(event.time, UnsafeBufferPointer(start: data, count: event.size))
        }
    }
}
