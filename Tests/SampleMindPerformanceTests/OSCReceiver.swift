import Foundation
import Glibc
import SampleMindPerformance

/// A real OSC receiver for tests: a UDP socket on 127.0.0.1 (a free port) whose datagrams a
/// background thread decodes with liblo and keeps, each with its arrival time (Unix seconds).
final class OSCReceiver: @unchecked Sendable {
    struct Received { var path: String; var arguments: [OSCArgument]; var arrival: Double }

    let port: Int
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [Received] = []
    private var running = true
    private var thread: Thread?

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw NSError(domain: "OSCReceiver", code: Int(errno)) }
        port = Int(UInt16(bigEndian: address.sin_port))
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in receive() }
        self.thread = thread
        thread.start()
    }

    deinit { close(descriptor) }

    func stop() {
        lock.withLock { running = false }
        usleep(200_000)
    }

    private func receive() {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while lock.withLock({ running }) {
            let got = recv(descriptor, &buffer, buffer.count, 0)
            guard got > 0 else { continue }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let arrival = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
            guard let message = OSCPacket.decode(Array(buffer[0..<got])) else { continue }
            lock.withLock { received.append(Received(path: message.path, arguments: message.arguments, arrival: arrival)) }
        }
    }

    func messages(_ path: String) -> [Received] { lock.withLock { received.filter { $0.path == path } } }

    /// Sends `bytes` to 127.0.0.1:`port` from this socket (so replies come back here).
    func send(_ bytes: [UInt8], toPort port: Int) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { target in
                bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, target, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
    }

    /// Waits until `count` messages at `path` have arrived (or the timeout passes).
    func waitFor(_ path: String, count: Int = 1, timeout: Double) -> [Received] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let found = messages(path)
            if found.count >= count { return found }
            usleep(20_000)
        }
        return messages(path)
    }
}

/// A UDP port nobody listens on right now (bound, read, released).
func freeUDPPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
