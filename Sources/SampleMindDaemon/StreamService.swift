import SampleMindLog
import Foundation
import SampleMindCapture
import SampleMindConfiguration
import SampleMindEngine
import SampleMindStreaming

/// The network face — WebSocket stream, HTTP API, dashboard — with the segment API when storage
/// is on. Made before the engine starts (its queue and control source are the engine's); listens
/// when started, so a port in use fails the start.
final class StreamService: DaemonService {
    let name = "stream server"
    let role = ServiceRole.server
    let server: StreamServer
    private let storage: StorageService?
    private let log: LogSink

    init(_ options: LoadedConfiguration, engine: LiveEngine, input: AudioInput, settings: LiveEngine.Settings,
         storage: StorageService?, performer: PerformerService, mqtt: MQTTService?, log: @escaping LogSink) throws(StreamConfigurationError) {
        var configuration = Self.configuration(options)
        configuration.staticDirectory = StreamResources.dashboardDirectory
        if configuration.staticDirectory == nil {
            log(.warning, "the dashboard's files were not found beside the binary; the stream and API work, the dashboard does not. Reinstall with scripts/install-service")
        }
        let box = ServerBox()
        let queue = engine.addConsumer(name: "network", capacity: 4_096) { box.server?.wakeUp() }
        let status = StatusReport(engine: engine, input: input, queue: queue, storage: storage, performer: performer, mqtt: mqtt)
        server = try StreamServer(configuration: configuration, engineQueue: queue,
                                  analyzerSetup: { settings.configuration(sampleRate: $0, channelCount: $1) }, status: status.current, log: log)
        box.server = server
        server.controls = engine.addControlSource(name: "websocket")
        self.storage = storage
        self.log = log
    }

    /// The server's settings from the configuration (also what a reload applies).
    static func configuration(_ options: LoadedConfiguration) -> StreamConfiguration {
        var configuration = StreamConfiguration()
        configuration.host = options.string("server.host") ?? "127.0.0.1"
        configuration.port = options.integer("server.port")
        configuration.token = options.string("server.token")
        configuration.allowedOrigins = options.strings("server.allowed_origins")
        configuration.allowedHosts = options.strings("server.allowed_hosts")
        configuration.maximumClients = options.integer("server.max_clients")
        configuration.slowClientTimeoutSeconds = options.number("server.client_timeout_s")
        return configuration
    }

    /// A port in use is ``DaemonError/unavailable(_:)``: someone else has it.
    func start() throws {
        let api = storage.map { SegmentAPI(databasePath: $0.path) }
        server.api = api
        do { try server.start() } catch { throw DaemonError.unavailable("\(error)") }
        if let api { Thread.detachNewThread { api.warmUp() } }
        let host = server.configuration.host
        let shown = host.contains(":") ? "[\(host)]" : host
        log(.info, "listening on http://\(shown):\(server.port)/ (stream: ws://\(shown):\(server.port)/v1/stream)")
    }

    /// Closes every connection (going away) and ends the network thread.
    func stop() { server.stop() }
}
