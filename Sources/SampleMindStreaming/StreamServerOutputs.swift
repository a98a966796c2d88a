import SampleMindLog
import CWebSockets
import Foundation
import SampleMindRealtime
import SampleMindAnalysis
import SampleMindProtocol

extension StreamServer {
    /// Runs on the network thread whenever it is woken: engine outputs, shutdown, housekeeping.
    func serviceWakeUp() {
        applyPendingReload()
        let now = MonotonicClock.seconds()
        if shutdownRequested.load(ordering: .acquiring) {
            for session in sessions.values where !session.closing {
                session.closing = true
                requestWrite(session)
            }
        }
        drainEngine(now: now)
        flushBroadcasts()
        housekeeping(now: now)
        closeIdleConnections(now: now)
    }

    private func drainEngine(now: Double) {
        while let output = engineQueue.pop() {
            switch output {
            case .frame(let frame, let wall):
                latestFrame = (frame, wall)
                for session in sessions.values where session.offer(frame, wallClock: wall, now: now) {
                    if !session.hasOutgoing { session.lastProgressAt = now }
                    requestWrite(session)
                }
            case .event(let event, let wall):
                broadcast(EventJSON.encode(event, wallClockSeconds: wall))
            case .session(let t, let rate, let channels, let wall, _):
                sessionFormat = (rate, channels)
                broadcast(EventJSON.session(timeSeconds: t, sampleRate: rate, channelCount: channels, wallClockSeconds: wall))
            case .discontinuity(let t, let gap, let wall):
                broadcast(EventJSON.discontinuity(timeSeconds: t, gapSeconds: gap, wallClockSeconds: wall))
            }
        }
    }

    /// Queues one message, encoded once, for every client. Network thread.
    func broadcast(_ message: String) {
        let body = Array(message.utf8)
        for session in sessions.values where !session.closing { send(body, to: session) }
    }

    private func housekeeping(now: Double) {
        let heartbeat = status().analysisHeartbeat
        if heartbeat != lastHeartbeat {
            lastHeartbeat = heartbeat
            heartbeatChangedAt = now
        }
        if now - lastPingAt >= configuration.heartbeatSeconds {
            lastPingAt = now
            broadcast(PingJSON.encode(at: messageTime()))
        }
        for session in sessions.values where !session.closing && session.hasOutgoing
            && now - session.lastProgressAt > configuration.slowClientTimeoutSeconds {
            session.closing = true
            closedClients["slow", default: 0] += 1
            log(.info, "closing WebSocket client \(session.peer): it has not read anything for \(Int(configuration.slowClientTimeoutSeconds)) s")
            // The close frame goes out if the socket drains; a client that reads nothing at all is
            // dropped a second later all the same.
            requestWrite(session)
            lws_set_timeout(session.wsi, PENDING_TIMEOUT_USER_OK, 1)
        }
    }

    /// Hello for a new client: the format and delays of the input's current session, if any.
    func hello() -> String {
        let current = status()
        let analyzer = sessionFormat.map { analyzerSetup($0.sampleRate, $0.channels) }
        return HelloJSON.encode(serverVersion: current.version, inputDescription: current.inputDescription, inputState: current.inputState,
                                analyzer: analyzer, heartbeatSeconds: configuration.heartbeatSeconds,
                                maximumMessageBytes: configuration.maximumMessageBytes, at: messageTime())
    }

    /// Now, for messages not tied to a frame or event: the latest frame's stream time and the wall clock.
    func messageTime() -> MessageTime {
        MessageTime(timeSeconds: latestFrame?.frame.timeSeconds ?? 0, wallClockSeconds: Date().timeIntervalSince1970)
    }
}
