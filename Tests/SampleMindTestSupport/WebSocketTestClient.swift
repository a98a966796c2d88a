import Foundation
import Glibc

/// A deliberately small WebSocket client over a blocking TCP socket, for tests: it does the
/// handshake with whatever headers a test wants, masks what it sends, and can also send raw,
/// malformed or oversized frames that a well-behaved client library would refuse to.
public final class WebSocketTestClient {
    public enum Message: Equatable {
        case text(String)
        case binary([UInt8])
        case close(code: Int, reason: String)
    }

    public let handshakeStatus: Int
    public let handshakeResponse: String
    private let socket: Int32
    private var buffer: [UInt8] = []

    /// Connects and sends the upgrade request. Check ``handshakeStatus`` (101 when accepted).
    public init(port: Int, path: String = "/v1/stream", host: String = "127.0.0.1", headers: [String: String] = [:],
                receiveBufferBytes: Int32? = nil) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Self.failure("socket") }
        if var size = receiveBufferBytes {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw Self.failure("connect to port \(port)") }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(headers["Host"] ?? "127.0.0.1:\(port)")\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers where name != "Host" { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        _ = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
        var response = ""
        while !response.contains("\r\n\r\n") {
            var chunk = [UInt8](repeating: 0, count: 1)
            guard recv(fd, &chunk, 1, 0) == 1 else { break }
            response.unicodeScalars.append(UnicodeScalar(chunk[0]))
        }
        handshakeResponse = response
        socket = fd
        handshakeStatus = Int(response.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    deinit { close(socket) }

    private static func failure(_ what: String) -> NSError {
        NSError(domain: "WebSocketTestClient", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "\(what): \(String(cString: strerror(errno)))"])
    }

    public func sendText(_ text: String) { sendFrame(opcode: 0x1, payload: Array(text.utf8)) }

    public func sendBinary(_ bytes: [UInt8]) { sendFrame(opcode: 0x2, payload: bytes) }

    /// Sends one frame; `final` false starts or continues a fragmented message.
    public func sendFrame(opcode: UInt8, payload: [UInt8], final: Bool = true) {
        var frame: [UInt8] = [(final ? 0x80 : 0) | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 65_535 {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame += mask
        for (i, byte) in payload.enumerated() { frame.append(byte ^ mask[i % 4]) }
        sendRaw(frame)
    }

    public func sendRaw(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// The next message, answering pings; nil on timeout or when the connection ended.
    public func receive(timeout: Double = 5) -> Message? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let (opcode, payload) = takeFrame() {
                switch opcode {
                case 0x1: return .text(String(decoding: payload, as: UTF8.self))
                case 0x2: return .binary(payload)
                case 0x8:
                    let code = payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : 1005
                    return .close(code: code, reason: String(decoding: payload.dropFirst(2), as: UTF8.self))
                case 0x9: sendFrame(opcode: 0xA, payload: payload)
                default: break
                }
                continue
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            var wait = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            let got = recv(socket, &chunk, chunk.count, 0)
            if got == 0 { return nil }
            if got > 0 { buffer += chunk[0..<got] }
        }
        return nil
    }

    /// Text messages parsed as JSON objects, until `count` are collected or `timeout` passes.
    public func receiveJSON(count: Int = 1, timeout: Double = 5) -> [[String: Any]] {
        var out: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(timeout)
        while out.count < count, Date() < deadline {
            guard let message = receive(timeout: deadline.timeIntervalSinceNow) else { break }
            if case .text(let text) = message,
               let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
                out.append(object)
            }
        }
        return out
    }

    /// The next JSON message of `type` (others are skipped), within `timeout`.
    public func next(_ type: String, timeout: Double = 5) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let message = receive(timeout: deadline.timeIntervalSinceNow) else { return nil }
            if case .text(let text) = message,
               let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
               object["type"] as? String == type { return object }
            if case .close = message { return nil }
        }
        return nil
    }

    /// Reads until the server closes the connection; returns its close frame, if it sent one.
    public func waitForClose(timeout: Double = 10) -> (code: Int, reason: String)? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let message = receive(timeout: deadline.timeIntervalSinceNow) else { return nil }
            if case .close(let code, let reason) = message { return (code, reason) }
        }
        return nil
    }

    private func takeFrame() -> (UInt8, [UInt8])? {
        guard buffer.count >= 2 else { return nil }
        let opcode = buffer[0] & 0x0F
        var length = Int(buffer[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard buffer.count >= 4 else { return nil }
            length = Int(buffer[2]) << 8 | Int(buffer[3])
            offset = 4
        } else if length == 127 {
            guard buffer.count >= 10 else { return nil }
            length = (2..<10).reduce(0) { $0 << 8 | Int(buffer[$1]) }
            offset = 10
        }
        guard buffer.count >= offset + length else { return nil }
        let payload = Array(buffer[offset..<(offset + length)])
        buffer.removeFirst(offset + length)
        return (opcode, payload)
    }
}
