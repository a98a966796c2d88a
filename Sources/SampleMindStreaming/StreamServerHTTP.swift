import CWebSockets
import Foundation
import SampleMindRealtime
import SampleMindProtocol

extension StreamServer {
    /// Longest request target (path and query) answered; longer ones get 414.
    static let maximumURIBytes = 4_096
    /// Most bytes of the headers libwebsockets knows by name (Host, Cookie, User-Agent, Authorization…)
    /// answered; more get 431. Headers it does not know cannot be measured one by one: a request
    /// whose headers together exceed ``headerSpaceBytes`` is closed by libwebsockets without an
    /// answer (it has nowhere to keep them).
    static let maximumHeaderBytes = 8_192
    static let headerSpaceBytes = 16_384

    /// Answers one HTTP request: GET and HEAD only, within the size limits. Network thread.
    func http(_ wsi: OpaquePointer, path: String) -> Int32 {
        connectionGuard.active(Self.key(wsi), now: MonotonicClock.seconds())
        let method = requestMethod(wsi)
        guard method == "GET" || method == "HEAD" else {
            return respondNow(wsi, .error(405, code: "method_not_allowed", message: "\(method) is not served here; use GET (or HEAD)",
                                          headers: [("allow:", "GET, HEAD")]))
        }
        if let refusal = sizeRefusal(wsi) { return respondNow(wsi, refusal) }
        let headOnly = method == "HEAD"
        guard let response = route(wsi, path: path) else { return serveStatic(wsi, path: path, headOnly: headOnly) }
        return headOnly ? respondNow(wsi, response, withBody: false) : respond(wsi, response)
    }

    /// The response to a GET, or nil for a static file.
    private func route(_ wsi: OpaquePointer, path: String) -> HTTPResponse? {
        guard hostAllowed(wsi) else {
            return .error(403, code: "bad_host", message: "this server answers to localhost and its configured host names only")
        }
        let protected = path.hasPrefix("/v1") || path == "/metrics"
        if protected, !authorized(wsi) {
            return .error(401, code: "unauthorized", message: "send Authorization: Bearer <token> or ?token=<token>",
                          headers: [("www-authenticate:", "Bearer realm=\"samplemind\"")])
        }
        switch path {
        case "/health": return healthResponse()
        case "/metrics": return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4", body: Array(metricsText().utf8))
        case "/v1/status": return .json(200, statusJSON())
        case "/v1/stream": return .error(426, code: "upgrade_required", message: "/v1/stream is a WebSocket; connect with ws://")
        default:
            guard path.hasPrefix("/v1/") else { return nil }
            let query: [String: String]
            switch queryArguments(wsi) {
            case .success(let arguments): query = arguments
            case .failure(let refusal): return .error(414, code: "bad_query", message: refusal.message)
            }
            if let api, let answer = api.answer(path: path, query: query) { return .json(answer.status, answer.json) }
            return .error(404, code: "not_found", message: "no such API endpoint")
        }
    }

    /// The request's method, from the header libwebsockets filed its target under.
    func requestMethod(_ wsi: OpaquePointer) -> String {
        let methods: [(lws_token_indexes, String)] = [
            (WSI_TOKEN_GET_URI, "GET"), (WSI_TOKEN_HEAD_URI, "HEAD"), (WSI_TOKEN_POST_URI, "POST"), (WSI_TOKEN_PUT_URI, "PUT"),
            (WSI_TOKEN_PATCH_URI, "PATCH"), (WSI_TOKEN_DELETE_URI, "DELETE"), (WSI_TOKEN_OPTIONS_URI, "OPTIONS"),
        ]
        return methods.first { lws_hdr_total_length(wsi, $0.0) > 0 }?.1 ?? "this method"
    }

    /// 414 or 431 when the request is larger than the server answers.
    func sizeRefusal(_ wsi: OpaquePointer) -> HTTPResponse? {
        let target = Int(lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI)) + Int(lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI))
            + Int(lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS))
        if target > Self.maximumURIBytes {
            return .error(414, code: "uri_too_long", message: "the address is longer than \(Self.maximumURIBytes) bytes")
        }
        let headers = (0..<Int(WSI_TOKEN_COUNT.rawValue)).reduce(0) {
            $0 + Int(lws_hdr_total_length(wsi, lws_token_indexes(rawValue: UInt32($1))))
        }
        if headers > Self.maximumHeaderBytes {
            return .error(431, code: "headers_too_large", message: "the request headers are larger than \(Self.maximumHeaderBytes) bytes")
        }
        return nil
    }

    /// A dashboard file (libwebsockets answers HEAD for it without the body).
    private func serveStatic(_ wsi: OpaquePointer, path: String, headOnly: Bool) -> Int32 {
        guard let files, let file = files.file(for: path) else {
            let missing = HTTPResponse.error(404, code: "not_found", message: "no such file")
            return headOnly ? respondNow(wsi, missing, withBody: false) : respond(wsi, missing)
        }
        let headers = StaticFiles.securityHeaders
        let result = lws_serve_http_file(wsi, file, StaticFiles.mimeType(for: file), headers, Int32(headers.utf8.count))
        if result < 0 { return -1 }
        if result > 0, lws_http_transaction_completed(wsi) != 0 { return -1 }
        return 0
    }

    /// Writes the headers now and the body when the socket is writeable.
    func respond(_ wsi: OpaquePointer, _ response: HTTPResponse) -> Int32 {
        guard writeHeaders(wsi, response) else { return -1 }
        httpResponses[Self.key(wsi)] = response
        lws_callback_on_writable(wsi)
        return 0
    }

    /// The status line and headers (the body's length among them), written now.
    private func writeHeaders(_ wsi: OpaquePointer, _ response: HTTPResponse) -> Bool {
        let pre = samplemind_lws_pre()
        var buffer = [UInt8](repeating: 0, count: pre + 4_096)
        let ok = buffer.withUnsafeMutableBufferPointer { raw -> Bool in
            let start = raw.baseAddress! + pre
            let end = start + 4_095
            var cursor: UnsafeMutablePointer<UInt8>? = start
            if lws_add_http_common_headers(wsi, response.status, response.contentType, lws_filepos_t(response.body.count), &cursor, end) != 0 {
                return false
            }
            for (name, value) in response.headers {
                if lws_add_http_header_by_name(wsi, name, value, Int32(value.utf8.count), &cursor, end) != 0 { return false }
            }
            if lws_add_http_header_by_name(wsi, "cache-control:", "no-store", 8, &cursor, end) != 0 { return false }
            return lws_finalize_write_http_header(wsi, start, &cursor, end) == 0
        }
        return ok
    }

    /// Writes a small response at once — headers and, unless `withBody` is false (HEAD), the body —
    /// and completes the transaction (libwebsockets discards a request body not yet read). For
    /// refusals, where the connection may be in any state, and for HEAD.
    func respondNow(_ wsi: OpaquePointer, _ response: HTTPResponse, withBody: Bool = true) -> Int32 {
        guard writeHeaders(wsi, response) else { return -1 }
        return withBody ? finish(wsi, body: response.body) : finish(wsi, body: [])
    }

    func httpWriteable(_ wsi: OpaquePointer) -> Int32 {
        guard let response = httpResponses.removeValue(forKey: Self.key(wsi)) else {
            return lws_callback_http_dummy(wsi, LWS_CALLBACK_HTTP_WRITEABLE, nil, nil, 0)
        }
        return finish(wsi, body: response.body)
    }

    /// Writes the body (headers already sent) and completes the transaction; -1 closes the connection.
    private func finish(_ wsi: OpaquePointer, body: [UInt8]) -> Int32 {
        if !body.isEmpty {
            let pre = samplemind_lws_pre()
            var buffer = [UInt8](repeating: 0, count: pre + body.count)
            buffer.replaceSubrange(pre..<buffer.count, with: body)
            let written = buffer.withUnsafeMutableBufferPointer {
                lws_write(wsi, $0.baseAddress! + pre, body.count, LWS_WRITE_HTTP_FINAL)
            }
            guard written == body.count else { return -1 }
        }
        return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
    }

    /// 200 with "ok" or "degraded" and the reasons; 503 only when the analysis thread has stalled.
    func healthResponse() -> HTTPResponse {
        let current = status()
        let stalled = analysisStalled
        var reasons = current.degradedReasons
        if current.inputState != "running" { reasons.append("input \(current.inputState)") }
        if stalled { reasons.insert("analysis thread stalled (no heartbeat for over 2 s)", at: 0) }
        let state = stalled ? "stalled" : reasons.isEmpty ? "ok" : "degraded"
        let body = "{\"status\":\(JSONText.quoted(state)),\"reasons\":[\(reasons.map(JSONText.quoted).joined(separator: ","))],"
            + "\"input\":\(JSONText.quoted(current.inputState)),\"clients\":\(sessions.count),"
            + "\"counters\":{\"xruns\":\(current.xruns),\"ring_overruns\":\(current.ringOverruns),"
            + "\"analysis_blocks\":\(current.analysisBlocks),\"analysis_heartbeat\":\(current.analysisHeartbeat)}}"
        return .json(stalled ? 503 : 200, body)
    }

    var analysisStalled: Bool { MonotonicClock.seconds() - heartbeatChangedAt > 2 }

    func statusJSON() -> String {
        let current = status()
        let frame = latestFrame?.frame
        var out = "{\"version\":\(JSONText.quoted(current.version)),\"protocol_version\":\(StreamProtocol.version)"
        out += ",\"uptime_s\":\(JSONText.rounded(MonotonicClock.seconds() - startedAt, 1))"
        out += ",\"input\":{\"description\":\(JSONText.quoted(current.inputDescription)),\"state\":\(JSONText.quoted(current.inputState))"
        if let format = sessionFormat {
            out += ",\"sample_rate\":\(JSONText.rounded(format.sampleRate, 1)),\"channels\":\(format.channels)"
        }
        out += ",\"non_finite_samples\":\(current.nonFiniteSamples)"
        out += "},\"tempo_bpm\":\(JSONText.rounded(frame?.tempoBPM ?? 0)),\"tempo_confidence\":\(JSONText.rounded(frame?.tempoConfidence ?? 0, 3))"
        out += ",\"key\":" + (frame?.key.map { JSONText.quoted($0.description) } ?? "null")
        out += ",\"key_confidence\":\(JSONText.rounded(frame?.keyConfidence ?? 0, 3))"
        out += ",\"t\":\(JSONText.rounded(frame?.timeSeconds ?? 0, 3)),\"clients\":\(sessions.count)"
        // Each output service's object, its fields in the order the service reports them.
        var services: [String] = []
        for metric in current.serviceMetrics { if let place = metric.status, !services.contains(place.service) { services.append(place.service) } }
        for service in services {
            let fields = current.serviceMetrics.compactMap { metric -> String? in
                guard let place = metric.status, place.service == service else { return nil }
                return "\(JSONText.quoted(place.field)):\(JSONText.rounded(metric.samples.reduce(0) { $0 + $1.value }, 3))"
            }
            out += ",\(JSONText.quoted(service)):{\(fields.joined(separator: ","))}"
        }
        return out + "}"
    }

    /// Prometheus text exposition format.
    func metricsText() -> String {
        let current = status()
        let sessionFrameDrops = sessions.values.reduce(droppedFramesOfClosedSessions) { $0 + $1.droppedFrames }
        let sessionMessageDrops = sessions.values.reduce(droppedMessagesOfClosedSessions) { $0 + $1.droppedMessages }
        var lines: [String] = []
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, Double)]) {
            lines.append("# HELP samplemind_\(name) \(help)")
            lines.append("# TYPE samplemind_\(name) \(type)")
            for (labels, value) in samples { lines.append("samplemind_\(name)\(labels) \(JSONText.rounded(value, 9))") }
        }
        metric("xruns_total", "counter", "Input xruns (buffer over- or underruns of the audio device or server).", [("", Double(current.xruns))])
        metric("ring_overruns_total", "counter", "Capture blocks dropped because the analysis fell behind.", [("", Double(current.ringOverruns))])
        metric("analysis_blocks_total", "counter", "Hops analysed.", [("", Double(current.analysisBlocks))])
        metric("analysis_seconds_per_block", "gauge", "Analysis time per hop.",
               [("{stat=\"mean\"}", current.analysisMeanSeconds), ("{stat=\"max\"}", current.analysisMaxSeconds)])
        metric("analysis_heartbeat", "counter", "Advances while the analysis thread runs, idle or not.", [("", Double(current.analysisHeartbeat))])
        metric("input_up", "gauge", "1 while the input delivers audio.", [("", current.inputState == "running" ? 1 : 0)])
        metric("clients", "gauge", "Connected WebSocket subscribers.", [("", Double(sessions.count))])
        metric("frames_sent_total", "counter", "Frame messages sent to subscribers.", [("", Double(framesSent))])
        metric("messages_sent_total", "counter", "All messages sent to subscribers.", [("", Double(messagesSent))])
        metric("frames_dropped_total", "counter", "Frames not delivered, by reason.",
               [("{reason=\"slow_client\"}", Double(sessionFrameDrops)), ("{reason=\"network_thread_behind\"}", Double(current.engineQueueDrops))])
        metric("messages_dropped_total", "counter", "Events and notices dropped from full client queues.", [("", Double(sessionMessageDrops))])
        metric("clients_closed_total", "counter", "Subscribers the server closed, by reason.",
               ["slow", "flood", "message_too_large", "binary_message", "server_full"].map { ("{reason=\"\($0)\"}", Double(closedClients[$0] ?? 0)) })
        metric("segments_stored_total", "counter", "Segments written to the database.", [("", Double(current.segmentsStored))])
        metric("storage_write_failures_total", "counter", "Failed segment writes (disk full, read-only file).",
               [("", Double(current.storageWriteFailures))])
        metric("storage_backlog", "gauge", "Segments waiting to be written.", [("", Double(current.storageBacklog))])
        metric("segments_expired_total", "counter", "Segments deleted by retention.", [("", Double(current.segmentsExpired))])
        metric("input_frames_total", "counter", "Frames the input delivered.", [("", Double(current.capturedFrames))])
        metric("discontinuities_total", "counter", "Interruptions of the audio (reconnections, overruns).", [("", Double(current.discontinuities))])
        metric("discarded_samples_total", "counter", "Samples dropped at the end of a session short of a whole hop.",
               [("", Double(current.discardedSamples))])
        metric("non_finite_samples_total", "counter",
               "Input samples that were not numbers (NaN) or infinite, replaced with silence before analysis; if it grows, the audio source or a plug-in before SampleMind is faulty.",
               [("", Double(current.nonFiniteSamples))])
        metric("segments_lost_total", "counter", "Segments dropped because the backlog overflowed.", [("", Double(current.segmentsLost))])
        metric("osc_messages_sent_total", "counter", "OSC messages sent, by target.",
               current.oscTargets.map { ("{target=\(JSONText.quoted($0.target))}", Double($0.sent)) })
        metric("osc_send_failures_total", "counter", "OSC messages the network refused (target gone or not listening), by target.",
               current.oscTargets.map { ("{target=\(JSONText.quoted($0.target))}", Double($0.failed)) })
        metric("osc_controls_refused_total", "counter", "Stage controls over OSC that were refused.", [("", Double(current.oscControlsRefused))])
        metric("midi_messages_lost_total", "counter", "MIDI clock messages JACK had no room for.", [("", Double(current.midiMessagesLost))])
        metric("connections_refused_total", "counter", "WebSocket connections refused (token, origin, host, limits).", [("", Double(refusedConnections))])
        metric("http_connections_closed_total", "counter",
               "Connections that were not subscribers closed by the server: idle too long, or to keep file descriptors free.",
               [("{reason=\"idle\"}", Double(connectionGuard.closedIdle)), ("{reason=\"descriptor_limit\"}", Double(connectionGuard.closedForRoom))])
        for service in current.serviceMetrics { metric(service.name, service.type, service.help, service.samples) }
        return lines.joined(separator: "\n") + "\n"
    }
}
