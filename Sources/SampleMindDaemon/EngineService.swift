import SampleMindCapture
import SampleMindEngine

/// The analysis thread (``LiveEngine``) as a service. Consumers and control sources are added to
/// the engine while the other services are made, before the group starts it.
final class EngineService: DaemonService {
    let name = "analysis engine"
    let role = ServiceRole.engine
    let engine: LiveEngine

    init(engine: LiveEngine) { self.engine = engine }

    func start() throws { try engine.start() }

    /// Returns once the engine has analysed what the ring holds and its thread has ended.
    func stop() { engine.stop() }
}
