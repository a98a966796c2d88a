import SampleMindLog
import SampleMindCapture
import SampleMindEngine

/// The audio input (JACK, ALSA or a file) writing into the engine's capture channel.
final class InputService: DaemonService {
    let name = "input"
    let role = ServiceRole.input
    let input: AudioInput
    private let engine: LiveEngine
    private let log: LogSink

    init(input: AudioInput, engine: LiveEngine, log: @escaping LogSink) {
        self.input = input
        self.engine = engine
        self.log = log
    }

    /// Throws only when the input's configuration cannot work; waiting for a device or a server
    /// goes on in the background.
    func start() throws { try input.start(into: engine.capture, log: log) }

    func stop() { input.stop() }
}
