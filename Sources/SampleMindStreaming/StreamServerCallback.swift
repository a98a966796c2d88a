import CWebSockets
import Foundation
import SampleMindRealtime

/// libwebsockets' protocol callback: a plain function (see DESIGN.md: closures in main.swift
/// would be main-actor isolated), handing each reason to the server found through the context.
func streamServerCallback(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let pointer = lws_context_user(context) else {
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }
    let server = Unmanaged<StreamServer>.fromOpaque(pointer).takeUnretainedValue()
    switch reason {
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        server.serviceWakeUp()
        return 0
    case LWS_CALLBACK_WSI_CREATE:
        server.connectionOpened(wsi)
        return 0
    case LWS_CALLBACK_WSI_DESTROY:
        server.connectionGuard.forget(StreamServer.key(wsi))
        return 0
    case LWS_CALLBACK_RAW_ADOPT:
        // A request libwebsockets turns into a raw socket (CONNECT): never served, closed at once.
        return server.refuseRawConnection(wsi)
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return server.confirmUpgrade(wsi)
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return server.admitWebSocket(wsi) ? 0 : 1
    case LWS_CALLBACK_ESTABLISHED:
        server.connectionGuard.forget(StreamServer.key(wsi))
        return server.opened(wsi)
    case LWS_CALLBACK_CLOSED:
        server.closed(wsi)
        return 0
    case LWS_CALLBACK_RECEIVE:
        let bytes = input.map { UnsafeRawBufferPointer(start: $0, count: length) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        return server.received(wsi, bytes)
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return server.writeable(wsi)
    case LWS_CALLBACK_HTTP:
        let path = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "/"
        return server.http(wsi, path: path)
    case LWS_CALLBACK_HTTP_WRITEABLE:
        server.connectionGuard.active(StreamServer.key(wsi), now: MonotonicClock.seconds())
        return server.httpWriteable(wsi)
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
        return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
    case LWS_CALLBACK_CLOSED_HTTP:
        server.httpResponses[Int(bitPattern: UnsafeRawPointer(wsi))] = nil
        return 0
    default:
        return lws_callback_http_dummy(wsi, reason, user, input, length)
    }
}

extension StreamServer {
    static func key(_ wsi: OpaquePointer) -> Int { Int(bitPattern: UnsafeRawPointer(wsi)) }

    /// A request header, or nil when absent.
    func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = lws_hdr_total_length(wsi, token)
        guard length > 0, length < 8_192 else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The value of `name` in the query string, if given and the query is well formed.
    func queryValue(_ wsi: OpaquePointer, _ name: String) -> String? { try? queryArguments(wsi).get()[name] }

    /// Every `name=value` of the query string, or why the query is refused (see ``HTTPQuery``).
    func queryArguments(_ wsi: OpaquePointer) -> Result<[String: String], HTTPQuery.Refusal> {
        var fragments: [[UInt8]] = []
        for index in 0...Int32(HTTPQuery.maximumArguments) {
            let length = Int(lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, index))
            guard length > 0 else { break }
            var buffer = [CChar](repeating: 0, count: length + 1)
            guard lws_hdr_copy_fragment(wsi, &buffer, Int32(buffer.count), WSI_TOKEN_HTTP_URI_ARGS, index) >= 0 else {
                return .failure(HTTPQuery.Refusal(message: "the query could not be read"))
            }
            fragments.append(buffer.prefix(length).map { UInt8(bitPattern: $0) })
        }
        return HTTPQuery.parse(fragments)
    }

    /// True when the request carries the configured token (or none is configured).
    func authorized(_ wsi: OpaquePointer) -> Bool {
        guard let token = configuration.token else { return true }
        if let authorization = header(wsi, WSI_TOKEN_HTTP_AUTHORIZATION), authorization == "Bearer \(token)" { return true }
        return queryValue(wsi, "token") == token
    }

    /// Host header check against DNS rebinding: the name must be this machine's.
    func hostAllowed(_ wsi: OpaquePointer) -> Bool {
        guard let host = header(wsi, WSI_TOKEN_HOST)?.lowercased() else { return false }
        let name: Substring
        if host.hasPrefix("[") {
            name = host.split(separator: "]").first.map { $0 + "]" } ?? Substring(host)
        } else {
            name = host.split(separator: ":").first ?? Substring(host)
        }
        let allowed = ["localhost", "127.0.0.1", "[::1]", configuration.host.lowercased(),
                       configuration.host.contains(":") ? "[\(configuration.host.lowercased())]" : configuration.host.lowercased()]
            + configuration.allowedHosts.map { $0.lowercased() }
        return allowed.contains(String(name)) || configuration.allowedHosts.contains { $0.lowercased() == host }
    }

    /// Browsers send Origin: allowed when it is the page's own (same host and port) or listed.
    func originAllowed(_ wsi: OpaquePointer) -> Bool {
        guard let origin = header(wsi, WSI_TOKEN_ORIGIN) else { return true }
        if configuration.allowedOrigins.contains(origin) { return true }
        guard let host = header(wsi, WSI_TOKEN_HOST) else { return false }
        return origin.lowercased() == "http://\(host.lowercased())"
    }
}
