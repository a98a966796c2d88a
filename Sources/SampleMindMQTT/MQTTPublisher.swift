import SampleMindAnalysis
import SampleMindLog
import SampleMindOutputs
import SampleMindProtocol
import SampleMindRealtime
import Synchronization

/// Publishes one room's music to an MQTT broker from its own thread, fed by its own engine
/// queue, so that a slow or absent broker never touches the analysis.
///
/// Topics and payloads are in docs/mqtt.md: the stream's JSON messages, each with its own `seq`.
/// While the broker is away, beats, onsets, levels and frames are dropped and counted (a beat
/// that arrives late is worse than none); tempo and key are kept as the latest value and
/// published, retained, again at every connection with the status `online`; segments wait in a
/// bounded ``SegmentBacklog``.
///
/// Not real-time safe: set up and stopped on the control thread; the work runs on its own thread.
public final class MQTTPublisher: @unchecked Sendable {
    public let settings: MQTTSettings
    public let link: MQTTLink
    public let backlog: SegmentBacklog
    /// Messages libmosquitto took; dropped while disconnected (beat, onset, level, frame).
    public let sent = Atomic<Int>(0)
    public let dropped = Atomic<Int>(0)
    private let client: MQTTClient
    private let queue: OutputQueue
    private let worker = WorkerThread()
    private let log: LogSink
    private let version: String

    // Publisher-thread state.
    private var sequence = 0
    private var seenConnections = 0
    private var outageLogged = false
    private var outageDrops = 0
    private var framesDropped = 0
    private var startedAt = 0.0
    private var latestTempo: String?
    private var latestKey: String?
    private var nextLevelAt = 0.0
    private var nextFrameAt = 0.0

    /// Checks and applies the settings; opens no socket. `queue` is this publisher's engine consumer.
    public init(settings: MQTTSettings, queue: OutputQueue, version: String, log: @escaping LogSink) throws(MQTTError) {
        self.settings = settings
        self.queue = queue
        self.version = version
        self.log = log
        link = MQTTLink(wake: queue.wake)
        backlog = SegmentBacklog(capacity: settings.segmentBacklog)
        client = try MQTTClient(settings: settings, link: link)
    }

    /// Starts libmosquitto's network thread (which connects) and the publisher thread.
    public func start() {
        startedAt = MonotonicClock.seconds()
        if let problem = client.start() {
            log(.warning, "MQTT: first connection to \(settings.broker) failed (\(problem)); retrying in the background")
        }
        worker.start { [self] in run() }
    }

    /// Ends the publisher thread, sends the segments still waiting (the last one is stored as the
    /// daemon stops), says `offline` (retained) and disconnects.
    public func stop() {
        worker.stop(waking: queue.wake)
        if link.connected.load(ordering: .acquiring) {
            sendBacklog()
            publish(settings.topics.status, Array("offline".utf8), qos: 1, retain: true)
        }
        client.stop()
    }

    /// Why the link is not working, for /health; nil while connected.
    public var problem: String? {
        guard !link.connected.load(ordering: .acquiring) else { return nil }
        let refusal = link.refusal.load(ordering: .relaxed)
        if refusal != 0 {
            return "MQTT broker \(settings.broker) refused the connection (\(MQTTClient.describeRefusal(refusal, version: settings.protocolVersion))); "
                + "check mqtt.username and mqtt.password_file; retrying every 30 s at most"
        }
        if let error = link.lastLoggedError {
            return "MQTT broker \(settings.broker) not connected (\(error)); retrying"
        }
        return "MQTT broker \(settings.broker) not connected; retrying"
    }

    /// Accepted connections after the first.
    public var reconnects: Int { max(0, link.connections.load(ordering: .relaxed) - 1) }

    private func run() {
        while !worker.isStopping {
            watchLink()
            let connected = link.connected.load(ordering: .acquiring)
            while let output = queue.pop() { handle(output, connected: connected) }
            if connected { sendBacklog() }
            _ = queue.wake.wait(timeout: 0.25)
        }
    }

    /// Acts on a change of the link: at each connection the status, discovery, retained state
    /// and backlog go out; each outage is logged once.
    private func watchLink() {
        let connected = link.connected.load(ordering: .acquiring)
        // By the count of connections, not a flag: a reconnection quicker than this thread's wake-up
        // (to a broker that restarted and forgot every retained message) must still be seen.
        let connections = link.connections.load(ordering: .acquiring)
        if connected, connections != seenConnections {
            seenConnections = connections
            publish(settings.topics.status, Array("online".utf8), qos: 1, retain: true)
            if settings.homeAssistant {
                for config in HomeAssistantDiscovery.configs(for: settings.topics, version: version) {
                    publish(config.topic, Array(config.payload.utf8), qos: 1, retain: true)
                }
            }
            if let latestTempo { publish(settings.topics.tempo, stamped(latestTempo), qos: settings.qosEvents, retain: true) }
            if let latestKey { publish(settings.topics.key, stamped(latestKey), qos: settings.qosEvents, retain: true) }
            if connections > 1 {
                log(.info, "MQTT: connected to \(settings.broker) again; \(outageDrops) message(s) dropped while away, \(backlog.count) segment(s) to send")
            } else {
                log(.info, "MQTT: publishing to \(settings.broker) as room \(settings.topics.room)")
            }
            outageLogged = false
            outageDrops = 0
        } else if !connected {
            let waited = MonotonicClock.seconds() - startedAt
            if !outageLogged, link.connections.load(ordering: .relaxed) > 0 || link.refusal.load(ordering: .relaxed) != 0 || waited > 3,
               let problem {
                outageLogged = true
                log(link.refusal.load(ordering: .relaxed) != 0 ? .error : .warning,
                    problem + "; analysis goes on, beats and levels are dropped until the broker is back, segments wait")
            }
        }
    }

    private func handle(_ output: EngineOutput, connected: Bool) {
        let topics = settings.topics
        switch output {
        case .frame(let frame, let wall):
            if settings.levelRateHz > 0, wall >= nextLevelAt {
                nextLevelAt = Self.nextDue(after: nextLevelAt, now: wall, rateHz: settings.levelRateHz)
                live(topics.level, FrameJSON.encode(frame, wallClockSeconds: wall, fields: [.levels, .loudness]), connected: connected,
                     isFrame: true)
            }
            if settings.frameRateHz > 0, wall >= nextFrameAt {
                nextFrameAt = Self.nextDue(after: nextFrameAt, now: wall, rateHz: settings.frameRateHz)
                live(topics.frame, FrameJSON.encode(frame, wallClockSeconds: wall, fields: [.levels, .loudness, .spectral, .tracking]),
                     connected: connected, isFrame: true)
            }
        case .event(let event, let wall):
            let json = EventJSON.encode(event, wallClockSeconds: wall)
            switch event {
            case .beat: live(topics.beat, json, connected: connected)
            case .onset: live(topics.onset, json, connected: connected)
            case .tempo:
                latestTempo = json
                if connected { publish(topics.tempo, stamped(json), qos: settings.qosEvents, retain: true) }
            case .key:
                latestKey = json
                if connected { publish(topics.key, stamped(json), qos: settings.qosEvents, retain: true) }
            }
        case .session, .discontinuity:
            break
        }
    }

    /// When the next message of a rate-limited topic is due: one period after the last, or one
    /// period from now when the last is more than a period ago (after an outage or at the start).
    static func nextDue(after due: Double, now: Double, rateHz: Double) -> Double {
        let next = due + 1 / rateHz
        return next > now ? next : now + 1 / rateHz
    }

    /// A message that is only worth having now: published while connected, else dropped and
    /// counted. Frame messages (`level`, `frame`) carry `dropped_frames` as on the stream: the
    /// frames this publisher lost so far, behind the engine or while the broker was away.
    private func live(_ topic: String, _ json: String, connected: Bool, isFrame: Bool = false) {
        let payload = isFrame ? stamped(json, droppedFrames: framesDropped + queue.droppedFrames.load(ordering: .relaxed)) : stamped(json)
        if connected, publish(topic, payload, qos: settings.qosEvents, retain: false) { return }
        dropped.add(1, ordering: .relaxed)
        outageDrops += 1
        if isFrame { framesDropped += 1 }
    }

    private func sendBacklog() {
        let waiting = backlog.takeAll()
        for (index, json) in waiting.enumerated() where !publish(settings.topics.segment, stamped(json), qos: settings.qosSegments, retain: false) {
            backlog.putBack(Array(waiting[index...]))
            return
        }
    }

    /// `json` with this publisher's next `seq` (and `dropped_frames` for frames) put first, as the
    /// stream does per connection.
    private func stamped(_ json: String, droppedFrames: Int? = nil) -> [UInt8] {
        sequence += 1
        return MessageHead.prefixed(Array(json.utf8), sequence: sequence, droppedFrames: droppedFrames)
    }

    @discardableResult
    private func publish(_ topic: String, _ payload: [UInt8], qos: Int32, retain: Bool) -> Bool {
        guard client.publish(topic, payload: payload, qos: qos, retain: retain) == 0 else { return false }
        sent.add(1, ordering: .relaxed)
        return true
    }
}
