import Foundation
import SampleMindAnalysis
import SampleMindLog
import SampleMindMQTT
import SampleMindOutputs
import SampleMindProtocol
import SampleMindRealtime
import SampleMindStorage
import SampleMindStreaming
import SampleMindValidation
import Synchronization

/// `samplemind collect`: subscribes to every room's `samplemind/+/segment`, stores each segment
/// once in one SQLite file (the unique key on instance and source id absorbs redeliveries), and
/// serves the segment API on its own port with a `room` filter.
///
/// Messages are stored on libmosquitto's network thread, one row each (a prepared insert into a
/// WAL file takes tens of microseconds; nothing here is real-time). Malformed or oversized
/// payloads are refused and counted; the first is logged, the rest show in /metrics.
///
/// Not real-time safe: made, started and stopped on the control thread.
public final class SegmentCollector: @unchecked Sendable {
    public struct Options: Sendable {
        public var broker: MQTTBrokerURL
        public var databasePath: String
        public var host = "127.0.0.1"
        public var port: Int
        public var token: String?
        public var clientID: String
        public var username: String?
        public var password: String?
        /// For `mqtts://`: the CA that signed the broker's certificate (PEM), instead of the system's.
        public var caFile: String?

        public init(broker: MQTTBrokerURL, databasePath: String, port: Int, clientID: String) {
            self.broker = broker
            self.databasePath = databasePath
            self.port = port
            self.clientID = clientID
        }
    }

    public static let topicFilter = "samplemind/+/segment"

    public let options: Options
    /// Segments stored, messages that repeated a stored segment, and payloads refused.
    public let stored = Atomic<Int>(0)
    public let duplicates = Atomic<Int>(0)
    public let refused = Atomic<Int>(0)
    private let loggedRefusal = Atomic<Bool>(false)
    private let writeFailures = Atomic<Int>(0)
    private let log: LogSink
    private let store: SegmentStore
    private let session: Int64
    private var client: MQTTSubscribingClient?
    private let server: StreamServer

    /// Opens (creating, migrating) the database and prepares the server; opens no socket yet.
    /// Logs to standard error.
    public convenience init(options: Options) throws {
        try self.init(options: options, log: ConsoleLog.sink)
    }

    init(options: Options, log: @escaping LogSink) throws {
        self.options = options
        self.log = log
        store = try SegmentStore(path: options.databasePath)
        session = try store.startSession(wallClock: Date().timeIntervalSince1970, input: "mqtt collector on \(options.broker)",
                                         sampleRate: nil, settings: "{\"mqtt\":\(JSONText.quoted(options.broker.description))}")
        var configuration = StreamConfiguration()
        configuration.host = options.host
        configuration.port = options.port
        configuration.token = options.token
        let box = StatusBox()
        // No engine feeds this server: its queue stays empty, so no session (and no analyzer) starts.
        server = try StreamServer(configuration: configuration, engineQueue: OutputQueue(name: "collector", capacity: 16, notify: nil),
                                  analyzerSetup: { AnalyzerConfiguration(sampleRate: $0, channelCount: $1) },
                                  status: { box.collector?.status() ?? Self.emptyStatus() }, log: log)
        server.api = SegmentAPI(databasePath: options.databasePath)
        box.collector = self
    }

    /// Listens, then connects to the broker (retrying in the background while it is away).
    public func start() throws {
        do { try server.start() } catch { throw DaemonError.unavailable("\(error)") }
        let shown = options.host.contains(":") ? "[\(options.host)]" : options.host
        log(.info, "listening on http://\(shown):\(server.port)/ (segments: /v1/segments?room=…)")
        let client = try MQTTSubscribingClient(
            broker: options.broker, clientID: options.clientID, filter: Self.topicFilter, qos: 1, username: options.username,
            password: options.password, caFile: options.caFile, maximumPayloadBytes: SegmentMessage.maximumBytes) { [self] in receive($0) }
        self.client = client
        if let problem = client.start() { log(.warning, "MQTT \(options.broker): \(problem); trying again in the background") }
        log(.info, "collecting \(Self.topicFilter) from \(options.broker) into \(PrintableText.escaped(options.databasePath)) (session \(session))")
    }

    /// Starts, runs until SIGINT or SIGTERM, then stops.
    public func run() throws {
        ShutdownSignal.install()
        try start()
        while ShutdownSignal.received == 0 { usleep(100_000) }
        log(.info, "stopping (signal \(ShutdownSignal.received)); \(stored.load(ordering: .relaxed)) segments stored, \(duplicates.load(ordering: .relaxed)) repeats, \(refused.load(ordering: .relaxed)) refused")
        stop()
    }

    /// Stops taking messages, then closes the server.
    public func stop() {
        client?.stop()
        server.stop()
    }

    public var port: Int { server.port }

    /// libmosquitto's network thread.
    private func receive(_ message: MQTTIncoming) {
        let parts = message.topic.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "samplemind", parts[2] == "segment", case .success = MQTTTopics.make(room: String(parts[1])) else {
            return refuse(message, "the topic is not samplemind/<room>/segment")
        }
        guard message.sizeBytes <= SegmentMessage.maximumBytes else {
            return refuse(message, "\(message.sizeBytes) bytes, over the \(SegmentMessage.maximumBytes)-byte limit")
        }
        switch SegmentMessage.parse(message.payload, room: String(parts[1])) {
        case .failure(let refusal):
            refuse(message, refusal.description)
        case .success(let segment):
            do {
                if try store.insertCollected(segment, session: session) != nil {
                    stored.add(1, ordering: .relaxed)
                } else {
                    duplicates.add(1, ordering: .relaxed)
                }
            } catch {
                // Lost: QoS 1 was acknowledged as soon as the message arrived.
                if writeFailures.add(1, ordering: .relaxed).oldValue == 0 {
                    log(.error, "cannot store a segment in \(PrintableText.escaped(options.databasePath)): \(error); further failures are counted in /metrics")
                }
            }
        }
    }

    private func refuse(_ message: MQTTIncoming, _ why: String) {
        refused.add(1, ordering: .relaxed)
        if !loggedRefusal.exchange(true, ordering: .relaxed) {
            log(.warning, "refused a message on \(PrintableText.escaped(String(message.topic.prefix(300)))): \(why); further refusals are only counted (samplemind_collector_messages_refused_total)")
        }
    }

    /// HTTP thread: atomics only.
    private func status() -> DaemonStatus {
        let connected = client?.link.connected.load(ordering: .relaxed) ?? false
        var status = Self.emptyStatus()
        status.inputDescription = "MQTT collector on \(options.broker)"
        status.inputState = connected ? "running" : "waiting for the MQTT broker"
        status.segmentsStored = stored.load(ordering: .relaxed)
        status.storageWriteFailures = writeFailures.load(ordering: .relaxed)
        if !connected, let error = client?.link.lastLoggedError { status.degradedReasons.append("MQTT: \(error)") }
        let labels = "{broker=\(JSONText.quoted(options.broker.description))}"
        status.serviceMetrics = [
            .init(name: "mqtt_connected", type: "gauge", help: "1 while connected to the MQTT broker.", samples: [(labels, connected ? 1 : 0)]),
            .init(name: "collector_segments_stored_total", type: "counter", help: "Segments collected and stored.",
                  samples: [(labels, Double(stored.load(ordering: .relaxed)))]),
            .init(name: "collector_duplicates_total", type: "counter", help: "Messages repeating a segment already stored.",
                  samples: [(labels, Double(duplicates.load(ordering: .relaxed)))]),
            .init(name: "collector_messages_refused_total", type: "counter", help: "Malformed or oversized segment messages refused.",
                  samples: [(labels, Double(refused.load(ordering: .relaxed)))]),
        ]
        return status
    }

    /// The collector has no analysis thread: its heartbeat is the clock, so /health never reports a stall.
    private static func emptyStatus() -> DaemonStatus {
        DaemonStatus(version: SampleMindVersion.current, inputDescription: "MQTT collector", inputState: "starting", xruns: 0,
                     ringOverruns: 0, analysisHeartbeat: Int(MonotonicClock.seconds() * 10), analysisBlocks: 0, analysisMeanSeconds: 0,
                     analysisMaxSeconds: 0, engineQueueDrops: 0, degradedReasons: [])
    }

    /// Lets the server's status closure reach the collector made after it.
    private final class StatusBox: @unchecked Sendable {
        weak var collector: SegmentCollector?
    }
}
