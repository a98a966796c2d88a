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
                broadcast(strippedBrace(EventJSON.encode(event, wallClockSeconds: wall)))
            case .session(let t, let rate, let channels, let wall, _):
                sessionFormat = (rate, channels)
                broadcast(strippedBrace(EventJSON.session(timeSeconds: t, sampleRate: rate, channelCount: channels, wallClockSeconds: wall)))
            case .discontinuity(let t, let gap, let wall):
                broadcast(strippedBrace(EventJSON.discontinuity(timeSeconds: t, gapSeconds: gap, wallClockSeconds: wall)))
            }
        }
    }

    private func broadcast(_ body: [UInt8]) {
        for session in sessions.values where !session.closing { send(body, to: session) }
    }

    private func strippedBrace(_ json: String) -> [UInt8] { Array(json.utf8.dropFirst()) }

    private func housekeeping(now: Double) {
        let heartbeat = status().analysisHeartbeat
        if heartbeat != lastHeartbeat {
            lastHeartbeat = heartbeat
            heartbeatChangedAt = now
        }
        if now - lastPingAt >= configuration.heartbeatSeconds {
            lastPingAt = now
            broadcast(pingBody())
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

    // Message bodies (everything after `{"seq":N,`).

    func helloBody() -> [UInt8] {
        let current = status()
        var out = "\"type\":\"hello\",\"protocol_version\":\(Self.protocolVersion),\"server_version\":\(FrameJSON.quoted(current.version))"
        out += ",\"input\":{\"description\":\(FrameJSON.quoted(current.inputDescription)),\"state\":\(FrameJSON.quoted(current.inputState))}"
        if let format = sessionFormat {
            let analyzer = analyzerSetup(format.sampleRate, format.channels)
            let delays = TrackerDelays(configuration: analyzer)
            out += ",\"sample_rate\":\(FrameJSON.rounded(format.sampleRate, 1)),\"channels\":\(format.channels)"
            out += ",\"hop_size\":\(analyzer.hopSize),\"frame_rate\":\(FrameJSON.rounded(analyzer.frameRate, 3))"
            out += ",\"delays_s\":{\"onset\":\(FrameJSON.rounded(delays.onsetSeconds, 4)),\"beat\":\(FrameJSON.rounded(delays.beatSeconds, 4))"
            out += ",\"tempo\":\(FrameJSON.rounded(delays.tempoSeconds, 4)),\"key\":\(FrameJSON.rounded(delays.keySeconds, 4))"
            out += ",\"loudness\":\(FrameJSON.rounded(delays.loudnessSeconds, 4))}"
        } else {
            out += ",\"sample_rate\":null,\"channels\":null,\"hop_size\":null,\"frame_rate\":null,\"delays_s\":null"
        }
        out += ",\"features\":[\(Feature.allCases.map { FrameJSON.quoted($0.rawValue) }.joined(separator: ","))]"
        out += ",\"default_features\":[\(Feature.allCases.filter(Feature.defaults.contains).map { FrameJSON.quoted($0.rawValue) }.joined(separator: ","))]"
        out += ",\"events\":[\"onset\",\"beat\",\"tempo\",\"key\",\"session\",\"discontinuity\",\"segment\"]"
        out += ",\"max_fps\":{\"default\":30,\"min\":1,\"max\":120},\"heartbeat_s\":\(FrameJSON.rounded(configuration.heartbeatSeconds, 1))"
        out += ",\"max_message_bytes\":\(configuration.maximumMessageBytes)"
        out += ",\"wall_clock\":\(FrameJSON.rounded(Date().timeIntervalSince1970, 4)),\"t\":\(FrameJSON.rounded(latestFrame?.frame.timeSeconds ?? 0, 4))}"
        return Array(out.utf8)
    }

    func subscribedBody(_ subscription: Subscription) -> [UInt8] {
        let names = Feature.allCases.filter(subscription.features.contains).map { FrameJSON.quoted($0.rawValue) }
        return Array(("\"type\":\"subscribed\",\"features\":[\(names.joined(separator: ","))],\"max_fps\":\(FrameJSON.rounded(subscription.maximumFramesPerSecond, 3))"
            + ",\"binary_spectrum\":\(subscription.binarySpectrum)" + timestamps() + "}").utf8)
    }

    func errorBody(_ code: String, _ message: String) -> [UInt8] {
        Array(("\"type\":\"error\",\"code\":\(FrameJSON.quoted(code)),\"message\":\(FrameJSON.quoted(message))" + timestamps() + "}").utf8)
    }

    func pongBody(id: String?) -> [UInt8] {
        Array(("\"type\":\"pong\",\"id\":" + (id.map(FrameJSON.quoted) ?? "null") + timestamps() + "}").utf8)
    }

    /// `{"type":"control_ack","command":"meter","value":3,…}`: the control was queued for the next hop.
    func controlAcknowledgementBody(_ control: StageControl) -> [UInt8] {
        let value = control.value.map { ",\"value\":\($0)" } ?? ""
        return Array(("\"type\":\"control_ack\",\"command\":\"\(control.name)\"" + value + timestamps() + "}").utf8)
    }

    func pingBody() -> [UInt8] { Array(("\"type\":\"ping\"" + timestamps() + "}").utf8) }

    private func timestamps() -> String {
        ",\"t\":\(FrameJSON.rounded(latestFrame?.frame.timeSeconds ?? 0, 4)),\"wall_clock\":\(FrameJSON.rounded(Date().timeIntervalSince1970, 4))"
    }
}
