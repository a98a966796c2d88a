import CWebSockets
import Foundation
import SampleMindRealtime
import SampleMindAnalysis
import SampleMindProtocol

extension StreamServer {
    /// An upgrade request: refused with its HTTP status and a JSON reason (404 for another path,
    /// 403 for a foreign Host or Origin, 401 with `WWW-Authenticate` for a missing or wrong token),
    /// as docs/protocol.md says. Returns 0 to let it proceed, 1 when answered. Network thread.
    func confirmUpgrade(_ wsi: OpaquePointer) -> Int32 {
        let refusal: HTTPResponse
        if let size = sizeRefusal(wsi) {
            refusal = size
        } else if (header(wsi, WSI_TOKEN_GET_URI) ?? "") != "/v1/stream" {
            refusal = .error(404, code: "not_found", message: "the stream is at /v1/stream")
        } else if !hostAllowed(wsi) {
            refusal = .error(403, code: "bad_host", message: "this server answers to localhost and its configured host names only")
        } else if !originAllowed(wsi) {
            refusal = .error(403, code: "bad_origin", message: "pages from this origin may not open the stream; see --allow-origin")
        } else if !authorized(wsi) {
            refusal = .error(401, code: "unauthorized", message: "send Authorization: Bearer <token> or ?token=<token>",
                             headers: [("www-authenticate:", "Bearer realm=\"samplemind\"")])
        } else {
            return 0
        }
        refusedConnections += 1
        return respondNow(wsi, refusal) == 0 ? 1 : -1
    }

    /// The WebSocket handshake: path, Host, Origin and token (checked again after ``confirmUpgrade(_:)``). Network thread.
    func admitWebSocket(_ wsi: OpaquePointer) -> Bool {
        let path = header(wsi, WSI_TOKEN_GET_URI) ?? ""
        let allowed = path == "/v1/stream" && hostAllowed(wsi) && originAllowed(wsi) && authorized(wsi)
        if !allowed { refusedConnections += 1 }
        return allowed
    }

    func opened(_ wsi: OpaquePointer) -> Int32 {
        guard !shutdownRequested.load(ordering: .acquiring) else { return close(wsi, LWS_CLOSE_STATUS_GOINGAWAY, "server shutting down") }
        guard sessions.count < configuration.maximumClients else {
            refusedConnections += 1
            closedClients["server_full", default: 0] += 1
            // 1013 (try again later) is not in this libwebsockets' enum; the number is standard (RFC 6455 registry).
            return close(wsi, lws_close_status(rawValue: 1013), "too many clients; try again later")
        }
        // A small kernel send buffer bounds what each client can hold back, so a client that stops
        // reading shows up (and is closed) in seconds rather than after megabytes.
        var sendBuffer: Int32 = 65_536
        setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<Int32>.size))
        var name = [CChar](repeating: 0, count: 64)
        let peer = lws_get_peer_simple(wsi, &name, name.count).map { String(cString: $0) } ?? "?"
        let now = MonotonicClock.seconds()
        let session = ClientSession(wsi: wsi, peer: peer, now: now, burst: 2 * configuration.messagesPerSecond)
        sessions[Self.key(wsi)] = session
        clientCount.store(sessions.count, ordering: .releasing)
        send(hello(), to: session)
        return 0
    }

    func closed(_ wsi: OpaquePointer) {
        guard let session = sessions.removeValue(forKey: Self.key(wsi)) else { return }
        droppedFramesOfClosedSessions += session.droppedFrames
        droppedMessagesOfClosedSessions += session.droppedMessages
        clientCount.store(sessions.count, ordering: .releasing)
    }

    private func close(_ wsi: OpaquePointer, _ status: lws_close_status, _ reason: String) -> Int32 {
        var bytes = Array(reason.utf8.prefix(120))
        lws_close_reason(wsi, status, &bytes, bytes.count)
        return -1
    }

    /// A fragment of a client message: collect, bound, then parse and answer.
    func received(_ wsi: OpaquePointer, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard let session = sessions[Self.key(wsi)] else { return -1 }
        if lws_is_first_fragment(wsi) != 0 {
            session.incoming.removeAll(keepingCapacity: true)
            session.incomingIsBinary = lws_frame_is_binary(wsi) != 0
        }
        guard session.incoming.count + bytes.count <= configuration.maximumMessageBytes else {
            closedClients["message_too_large", default: 0] += 1
            return close(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
                         "messages are limited to \(configuration.maximumMessageBytes) bytes")
        }
        session.incoming.append(contentsOf: bytes)
        guard lws_is_final_fragment(wsi) != 0, lws_remaining_packet_payload(wsi) == 0 else { return 0 }
        guard !session.incomingIsBinary else {
            closedClients["binary_message", default: 0] += 1
            return close(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "binary messages are not accepted; send JSON text")
        }
        let now = MonotonicClock.seconds()
        guard session.admitMessage(now: now, rate: configuration.messagesPerSecond) else {
            session.refusedForRate += 1
            if session.refusedForRate > Int(10 * configuration.messagesPerSecond) {
                closedClients["flood", default: 0] += 1
                return close(wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, "message flood")
            }
            if session.refusedForRate == 1 || session.refusedForRate % 50 == 0 {
                send(ReplyJSON.error(code: "rate_limited", message: "more than \(Int(configuration.messagesPerSecond)) messages per second; slow down",
                                     at: messageTime()), to: session)
            }
            return 0
        }
        switch ClientMessage.parse(session.incoming) {
        case .success(.subscribe(let subscription)):
            session.subscription = subscription
            send(ReplyJSON.subscribed(subscription, at: messageTime()), to: session)
        case .success(.ping(let id)):
            send(ReplyJSON.pong(id: id, at: messageTime()), to: session)
        case .success(.control(let control)):
            guard let controls else {
                send(ReplyJSON.error(code: "not_available", message: "this server takes no stage controls", at: messageTime()), to: session)
                break
            }
            switch controls.submit(control) {
            case .success: send(ReplyJSON.controlAcknowledgement(control, at: messageTime()), to: session)
            case .failure(let refusal): send(ReplyJSON.error(code: refusal.code, message: refusal.message, at: messageTime()), to: session)
            }
        case .failure(let refusal):
            send(ReplyJSON.error(code: refusal.code, message: refusal.message, at: messageTime()), to: session)
        }
        return 0
    }

    /// One write per callback: queued messages first, then the spectrum, then the latest frame.
    /// Each gets this connection's head (``MessageHead``) here, at write time, so that one encoded
    /// message, and one frame per feature set, serves every client.
    func writeable(_ wsi: OpaquePointer) -> Int32 {
        guard let session = sessions[Self.key(wsi)] else { return 0 }
        if session.closing {
            return close(wsi, shutdownRequested.load(ordering: .acquiring) ? LWS_CLOSE_STATUS_GOINGAWAY : LWS_CLOSE_STATUS_POLICY_VIOLATION,
                         shutdownRequested.load(ordering: .acquiring) ? "server shutting down" : "client too slow: not reading")
        }
        let message: (bytes: [UInt8], binary: Bool, isFrame: Bool)
        if let body = session.dequeue() {
            message = (MessageHead.prefixed(body, sequence: session.sequence + 1), false, false)
        } else if let spectrum = session.pendingBinarySpectrum {
            session.pendingBinarySpectrum = nil
            message = (spectrum, true, false)
        } else if let (frame, wall) = session.pendingFrame {
            session.pendingFrame = nil
            let subscription = session.subscription
            let body = frameBody(frame, wall: wall, subscription: subscription)
            message = (MessageHead.prefixed(body, sequence: session.sequence + 1, droppedFrames: session.droppedFrames), false, true)
            if subscription.binarySpectrum, subscription.features.contains(.spectrum) {
                session.pendingBinarySpectrum = BinarySpectrum.encode(frame, wallClockSeconds: wall, sequence: session.sequence + 1)
            }
        } else {
            return 0
        }
        let pre = samplemind_lws_pre()
        var buffer = [UInt8](repeating: 0, count: pre + message.bytes.count)
        buffer.replaceSubrange(pre..<buffer.count, with: message.bytes)
        let written = buffer.withUnsafeMutableBufferPointer {
            lws_write(wsi, $0.baseAddress! + pre, message.bytes.count, message.binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT)
        }
        guard written >= message.bytes.count else { return -1 }
        session.sequence += 1
        session.lastProgressAt = MonotonicClock.seconds()
        messagesSent += 1
        if message.isFrame {
            framesSent += 1
        }
        if session.hasOutgoing { lws_callback_on_writable(wsi) }
        return 0
    }

    private func frameBody(_ frame: FeatureFrame, wall: Double, subscription: Subscription) -> [UInt8] {
        var mask = subscription.features.reduce(0) { $0 | (1 << (Feature.allCases.firstIndex(of: $1) ?? 0)) }
        if subscription.binarySpectrum { mask |= 1 << 16 }
        if frameBodyCache.index == frame.index, let cached = frameBodyCache.bodies[mask] { return cached }
        if frameBodyCache.index != frame.index { frameBodyCache = (frame.index, [:]) }
        let body = Array(FrameJSON.encode(frame, wallClockSeconds: wall, fields: FrameFields(subscription)).utf8)
        frameBodyCache.bodies[mask] = body
        return body
    }

    /// Queues a message for one client; its head (``MessageHead``) goes on when it is written.
    func send(_ message: String, to session: ClientSession) { send(Array(message.utf8), to: session) }

    /// The same with the message in UTF-8 already (one array shared by every client it goes to).
    func send(_ body: [UInt8], to session: ClientSession) {
        if !session.hasOutgoing { session.lastProgressAt = MonotonicClock.seconds() }
        session.enqueue(body, limit: configuration.clientQueueLength)
        requestWrite(session)
    }
}
