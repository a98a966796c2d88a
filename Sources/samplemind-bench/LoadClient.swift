import Foundation
import Glibc

/// One lightweight WebSocket subscriber for the load benchmark: a non-blocking socket that
/// counts frame messages (only frames carry "dropped_frames") and answers pings.
final class LoadClient {
    let fd: Int32
    var frames = 0
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    init?(port: Int) {
        guard let socket = connectLoopback(port: port) else { return nil }
        fd = socket
        let request = "GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        // Once `fd` is set, a failed init still runs deinit, which closes it.
        guard request.withCString({ Glibc.send(fd, $0, strlen($0), 0) }) > 0 else { return nil }
        var response: [UInt8] = []
        var byte: UInt8 = 0
        while !response.suffix(4).elementsEqual([13, 10, 13, 10]), recv(fd, &byte, 1, 0) == 1 { response.append(byte) }
        guard String(decoding: response.prefix(12), as: UTF8.self).hasSuffix("101") else { return nil }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    func send(text: String) { sendFrame(opcode: 0x1, payload: Array(text.utf8)) }

    private func sendFrame(opcode: UInt8, payload: [UInt8]) {
        var frame: [UInt8] = [0x80 | opcode, 0x80 | UInt8(min(125, payload.count)), 1, 2, 3, 4]
        for (i, byte) in payload.prefix(125).enumerated() { frame.append(byte ^ UInt8(i % 4 + 1)) }
        _ = frame.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func read() {
        while true {
            let got = recv(fd, &chunk, chunk.count, 0)
            guard got > 0 else { break }
            buffer.append(contentsOf: chunk[0..<got])
        }
        var offset = 0
        while buffer.count - offset >= 2 {
            let opcode = buffer[offset] & 0x0F
            var length = Int(buffer[offset + 1] & 0x7F), header = 2
            if length == 126 {
                guard buffer.count - offset >= 4 else { break }
                length = Int(buffer[offset + 2]) << 8 | Int(buffer[offset + 3])
                header = 4
            } else if length == 127 {
                guard buffer.count - offset >= 10 else { break }
                length = (2..<10).reduce(0) { $0 << 8 | Int(buffer[offset + $1]) }
                header = 10
            }
            guard buffer.count - offset >= header + length else { break }
            let payload = buffer[(offset + header)..<(offset + header + length)]
            if opcode == 0x1, payload.prefix(48).firstRange(of: Array("dropped_frames".utf8)) != nil { frames += 1 }
            if opcode == 0x9 { sendFrame(opcode: 0xA, payload: Array(payload)) }
            offset += header + length
        }
        buffer.removeFirst(offset)
    }
}

/// The daemon under load: a child process with its server on a free port.
final class Daemon {
    let process = Process()
    private(set) var port = 0

    init?(binary: String, song: String, folder: String, extra: [String] = [], loop: Bool = true) {
        let log = "\(folder)/daemon-\(Date().timeIntervalSince1970).err"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--input", "file", "--file", song, "--port", "0", "--max-clients", "5000",
                             "--realtime-priority", "0"] + (loop ? ["--loop"] : []) + extra
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let deadline = Date().addingTimeInterval(10)
        while port == 0, Date() < deadline {
            usleep(50_000)
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
               let address = line.components(separatedBy: "http://").dropFirst().first?.split(separator: "/").first {
                port = Int(address.split(separator: ":").last ?? "") ?? 0
            }
        }
        if port == 0 { stop(); return nil }
        if loop { Thread.sleep(forTimeInterval: 1) }
    }

    func stop() {
        guard process.isRunning else { return }
        process.interrupt()
        process.waitUntilExit()
    }

    /// Counters from /metrics by name with labels (without the samplemind_ prefix).
    func metrics() -> [String: Double] {
        guard let response = try? rawGet(port: port, path: "/metrics") else { return [:] }
        var values: [String: Double] = [:]
        for line in response.split(separator: "\n") where line.hasPrefix("samplemind_") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { values[String(parts[0].dropFirst("samplemind_".count))] = Double(parts[1]) }
        }
        return values
    }

    func cpuSeconds() -> Double { ProcessStat(pid: process.processIdentifier)?.cpuSeconds ?? 0 }

    func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}

/// GET /health every 20 ms on its own thread, timing each answer.
final class HealthProbe: @unchecked Sendable {
    let port: Int
    private(set) var latencies: [Double] = []
    private var running = true
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(port: Int) { self.port = port }

    func start() {
        thread = Thread { [self] in
            while running {
                let started = Date()
                if (try? rawGet(port: port, path: "/health")) != nil {
                    latencies.append(Date().timeIntervalSince(started) * 1_000)
                }
                usleep(20_000)
            }
            done.signal()
        }
        thread?.start()
    }

    func stop() {
        running = false
        done.wait()
    }
}

/// A blocking HTTP GET on loopback returning the body.
func rawGet(port: Int, path: String) throws -> String {
    guard let fd = connectLoopback(port: port) else { throw NSError(domain: "rawGet", code: 1) }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    while true {
        let got = recv(fd, &chunk, chunk.count, 0)
        guard got > 0 else { break }
        bytes += chunk[0..<got]
    }
    let text = String(decoding: bytes, as: UTF8.self)
    guard text.hasPrefix("HTTP/1.1 200") else { throw NSError(domain: "rawGet", code: 2) }
    return text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
}

/// A TCP socket connected to 127.0.0.1:`port`, or nil.
func connectLoopback(port: Int) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        return nil
    }
    return fd
}
