import Foundation
import Glibc

/// One raw HTTP/1.1 GET over a socket, with the path sent exactly as given (no normalisation,
/// so path-traversal attempts reach the server as written).
public struct HTTPTestResponse {
    public var status: Int
    public var headers: String
    public var body: String
}

/// `ipv6` connects to [::1] instead of 127.0.0.1.
public func httpGet(port: Int, path: String, headers: [String: String] = [:], ipv6: Bool = false) throws -> HTTPTestResponse {
    let fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let connected: Int32
    if ipv6 {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET6, "::1", &address.sin6_addr)
        connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
        }
    } else {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
    guard connected == 0 else { throw NSError(domain: "httpGet", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot connect to \(port)"]) }
    var request = "GET \(path) HTTP/1.1\r\nHost: \(headers["Host"] ?? (ipv6 ? "[::1]:\(port)" : "127.0.0.1:\(port)"))\r\nConnection: close\r\n"
    for (name, value) in headers where name != "Host" { request += "\(name): \(value)\r\n" }
    request += "\r\n"
    _ = request.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    while true {
        let got = recv(fd, &chunk, chunk.count, 0)
        guard got > 0 else { break }
        bytes += chunk[0..<got]
    }
    let text = String(decoding: bytes, as: UTF8.self)
    let parts = text.components(separatedBy: "\r\n\r\n")
    let head = parts.first ?? ""
    let status = Int(head.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return HTTPTestResponse(status: status, headers: head.lowercased(), body: parts.dropFirst().joined(separator: "\r\n\r\n"))
}

/// A connected TCP socket to 127.0.0.1:`port` with a receive timeout, or -1.
public func connectLoopback(port: Int, receiveTimeoutSeconds: Int = 5) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        return -1
    }
    return fd
}

/// Sends `request` exactly as given and reads until the server closes, `timeout` passes or, with
/// `untilResponseEnds`, one whole response (headers and `content-length` bytes) has arrived.
/// `closed` says whether the server closed the connection.
public func httpExchange(port: Int, _ request: [UInt8], timeout: Double = 5,
                         untilResponseEnds: Bool = false) throws -> (response: HTTPTestResponse, closed: Bool) {
    let fd = connectLoopback(port: port, receiveTimeoutSeconds: 1)
    guard fd >= 0 else { throw NSError(domain: "httpExchange", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot connect to \(port)"]) }
    defer { close(fd) }
    _ = request.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65_536)
    var closed = false
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let got = recv(fd, &chunk, chunk.count, 0)
        if got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            closed = true
            break
        }
        if got > 0 { bytes += chunk[0..<got] }
        if untilResponseEnds, let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) {
            let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if bytes.count - end.upperBound >= length { break }
        }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    let parts = text.components(separatedBy: "\r\n\r\n")
    let head = parts.first ?? ""
    let status = Int(head.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return (HTTPTestResponse(status: status, headers: head.lowercased(), body: parts.dropFirst().joined(separator: "\r\n\r\n")), closed)
}
