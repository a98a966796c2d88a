import SampleMindOutputs
import SampleMindLog
import CWebSockets
import Foundation
import SampleMindAnalysis
import SampleMindProtocol
import SampleMindRealtime
import Synchronization

/// The daemon's network face on one port, served by libwebsockets on its own thread: the
/// WebSocket stream at /v1/stream, the HTTP API (/health, /metrics, /v1/status) and the
/// dashboard's static files. It reads the engine's outputs from its own queue and never slows
/// the analysis: a slow client loses its own frames, counted and told to it.
///
/// Threads: everything here runs on the network thread, except ``start()``/``stop()`` and the
/// wake-ups (`lws_cancel_service`, the only libwebsockets call made from other threads).
public final class StreamServer: @unchecked Sendable {
    /// The configuration in force on the network thread (``reload(_:)`` replaces parts of it).
    public internal(set) var configuration: StreamConfiguration
    private let pendingReload = Mutex<StreamConfiguration?>(nil)
    private let pendingBroadcasts = Mutex<[String]>([])
    let engineQueue: OutputQueue
    /// The analyzer's set-up for an input of a given rate and channel count (for `hello`).
    let analyzerSetup: AnalyzerSetup
    let status: @Sendable () -> DaemonStatus
    let log: LogSink
    let files: StaticFiles?
    /// Extra /v1 endpoints; set before ``start()``.
    public var api: HTTPAPI?
    /// Where `control` messages go (tap, lock, …); set before ``start()``. Without it they are refused.
    public var controls: ControlQueue?
    /// The port actually listened on (useful with port 0).
    public private(set) var port = 0

    private var context: OpaquePointer?
    private let network = WorkerThread()
    private let ticker = WorkerThread()
    private let cStrings = CStringPool()
    private var protocols: UnsafeMutablePointer<lws_protocols>?
    private var retryPolicy: UnsafeMutablePointer<lws_retry_bo_t>?

    // Network-thread state.
    var sessions: [Int: ClientSession] = [:]
    var httpResponses: [Int: HTTPResponse] = [:]
    var latestFrame: (frame: FeatureFrame, wallClock: Double)?
    var sessionFormat: (sampleRate: Double, channels: Int)?
    let startedAt = MonotonicClock.seconds()
    var lastHeartbeat = -1
    var heartbeatChangedAt = MonotonicClock.seconds()
    var lastPingAt = MonotonicClock.seconds()
    var frameBodyCache: (index: Int, bodies: [Int: [UInt8]]) = (-1, [:])
    /// Totals for /metrics.
    var framesSent = 0
    var messagesSent = 0
    /// Clients the server closed, by reason (slow, flood, message_too_large, binary_message, server_full).
    var closedClients: [String: Int] = [:]
    var refusedConnections = 0
    /// Connections that are not subscribers, closed when idle or to make room (see ``ConnectionGuard``).
    var connectionGuard = ConnectionGuard(descriptorLimit: ConnectionGuard.currentDescriptorLimit(), idleSeconds: 15)
    var droppedFramesOfClosedSessions = 0
    var droppedMessagesOfClosedSessions = 0
    /// Set by the network thread for other threads to read.
    public let clientCount = Atomic<Int>(0)

    /// `engineQueue` must have been added to the engine with ``wakeUp()`` as its notify closure.
    /// How the engine sets the analyzer up for an input's sample rate and channel count.
    public typealias AnalyzerSetup = @Sendable (_ sampleRate: Double, _ channelCount: Int) -> AnalyzerConfiguration

    public init(configuration: StreamConfiguration, engineQueue: OutputQueue, analyzerSetup: @escaping AnalyzerSetup,
                status: @escaping @Sendable () -> DaemonStatus, log: @escaping LogSink) throws(StreamConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.engineQueue = engineQueue
        self.analyzerSetup = analyzerSetup
        self.status = status
        self.log = log
        if let directory = configuration.staticDirectory {
            guard let files = StaticFiles(directory: directory) else {
                throw .init("the dashboard directory \(directory) does not exist")
            }
            self.files = files
        } else {
            files = nil
        }
    }

    deinit {
        protocols?.deallocate()
        retryPolicy?.deallocate()
    }

    /// Opens the listening socket and starts the network thread. Fails with a clear message when
    /// the address cannot be used.
    public func start() throws(StreamConfigurationError) {
        LibWebSocketsLog.route(to: log)
        connectionGuard = ConnectionGuard(descriptorLimit: ConnectionGuard.currentDescriptorLimit(), idleSeconds: 15)
        let table = UnsafeMutablePointer<lws_protocols>.allocate(capacity: 2)
        table.initialize(repeating: lws_protocols(), count: 2)
        table[0].name = cStrings.make(StreamProtocol.subprotocolName)
        table[0].callback = streamServerCallback
        table[0].per_session_data_size = 0
        table[0].rx_buffer_size = max(4_096, configuration.maximumMessageBytes)
        protocols = table
        let policy = UnsafeMutablePointer<lws_retry_bo_t>.allocate(capacity: 1)
        policy.initialize(to: lws_retry_bo_t())
        policy.pointee.secs_since_valid_ping = UInt16(configuration.heartbeatSeconds)
        policy.pointee.secs_since_valid_hangup = UInt16(configuration.heartbeatSeconds * 3)
        retryPolicy = policy

        var info = lws_context_creation_info()
        info.port = Int32(configuration.port)
        info.iface = cStrings.make(configuration.host)
        info.protocols = UnsafePointer(table)
        info.gid = -1
        info.uid = -1
        info.retry_and_idle_policy = UnsafePointer(policy)
        info.user = Unmanaged.passUnretained(self).toOpaque()
        info.options = UInt64(LWS_SERVER_OPTION_VALIDATE_UTF8) | UInt64(LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE)
        if !configuration.host.contains(":") { info.options |= UInt64(LWS_SERVER_OPTION_DISABLE_IPV6) }
        info.timeout_secs = 10
        // Room to read a request larger than the limits, so that it can be answered 414 or 431.
        info.max_http_header_data = UInt16(Self.headerSpaceBytes)
        guard let created = lws_create_context(&info) else {
            throw .init("cannot listen on \(configuration.host):\(configuration.port) (address in use or not on this machine); choose another --port or --host")
        }
        context = created
        if let vhost = lws_get_vhost_by_name(created, "default") { port = Int(lws_get_vhost_listen_port(vhost)) }
        network.start { [self] in
            while !network.isStopping {
                if lws_service(created, 0) < 0 { break }
            }
        }
        // Housekeeping (heartbeats, slow clients, health) even when the engine is idle.
        ticker.start { [self] in
            while !ticker.isStopping {
                usleep(100_000)
                lws_cancel_service(created)
            }
        }
    }

    /// Closes every connection (WebSocket close 1001, going away) and stops the network thread.
    public func stop() {
        guard let context else { return }
        shutdownRequested.store(true, ordering: .releasing)
        lws_cancel_service(context)
        let deadline = MonotonicClock.seconds() + 0.5
        while clientCount.load(ordering: .acquiring) > 0, MonotonicClock.seconds() < deadline { usleep(10_000) }
        ticker.stop()
        network.stop { lws_cancel_service(context) }
        lws_context_destroy(context)
        self.context = nil
    }

    let shutdownRequested = Atomic<Bool>(false)

    /// Replaces what can change without reopening the socket — token, allowed origins and hosts,
    /// client limits and timeouts — from now on: new connections see the new token; connected
    /// clients stay. Any thread; applied on the network thread at its next wake-up.
    public func reload(_ updated: StreamConfiguration) throws(StreamConfigurationError) {
        try updated.validate()
        pendingReload.withLock { $0 = updated }
        wakeUp()
    }

    /// Network thread: takes a pending reload, keeping the address (it cannot change live).
    func applyPendingReload() {
        guard let updated = pendingReload.withLock({ pending -> StreamConfiguration? in
            defer { pending = nil }
            return pending
        }) else { return }
        var next = updated
        next.host = configuration.host
        next.port = configuration.port
        next.staticDirectory = configuration.staticDirectory
        configuration = next
    }

    /// Sends an event made elsewhere (a stored segment, say) to every subscriber: `json` is one
    /// object as SampleMindProtocol encodes it, with its `type`, `t` and `wall_clock`; `seq` is put
    /// first per client. Any thread.
    public func broadcast(eventJSON json: String) {
        pendingBroadcasts.withLock { $0.append(json) }
        wakeUp()
    }

    /// Network thread: sends what other threads asked to broadcast.
    func flushBroadcasts() {
        let pending = pendingBroadcasts.withLock { queued -> [String] in
            defer { queued.removeAll() }
            return queued
        }
        for json in pending { broadcast(json) }
    }

    /// Wakes the network thread; safe from any thread, including the analysis thread (it writes
    /// a byte to libwebsockets' wake-up pipe and never blocks).
    public func wakeUp() {
        if let context { lws_cancel_service(context) }
    }

    func requestWrite(_ session: ClientSession) { lws_callback_on_writable(session.wsi) }
}

/// C strings that live as long as the server (libwebsockets keeps pointers to them).
final class CStringPool {
    private var pointers: [UnsafeMutablePointer<CChar>] = []
    func make(_ text: String) -> UnsafePointer<CChar> {
        let pointer = strdup(text)!
        pointers.append(pointer)
        return UnsafePointer(pointer)
    }
    deinit { pointers.forEach { free($0) } }
}
