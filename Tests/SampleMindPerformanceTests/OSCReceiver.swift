import Foundation
import Glibc
import SampleMindPerformance

/// A real OSC receiver for tests: the daemon's own UDP listener socket on 127.0.0.1 (a free port),
/// whose datagrams a background thread decodes with liblo and keeps, each with its arrival time
/// (Unix seconds).
final class OSCReceiver: @unchecked Sendable {
    struct Received { var path: String; var arguments: [OSCArgument]; var arrival: Double }

    let port: Int
    private let socket: UDPSocket
    private let lock = NSLock()
    private var received: [Received] = []
    private var running = true

    init() throws {
        socket = try UDPSocket.bound(host: "127.0.0.1", port: 0).get()
        port = socket.localPort
        Thread.detachNewThread { [self] in receive() }
    }

    func stop() {
        lock.withLock { running = false }
        usleep(200_000)
    }

    private func receive() {
        while lock.withLock({ running }) {
            guard let datagram = socket.receive(limit: 4_096, timeout: 0.1) else { continue }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let arrival = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
            guard let message = OSCPacket.decode(datagram.bytes) else { continue }
            lock.withLock { received.append(Received(path: message.path, arguments: message.arguments, arrival: arrival)) }
        }
    }

    func messages(_ path: String) -> [Received] { lock.withLock { received.filter { $0.path == path } } }

    /// Sends `bytes` to 127.0.0.1:`port` from this socket (so replies come back here).
    func send(_ bytes: [UInt8], toPort port: Int) throws {
        socket.send(bytes, to: try SocketAddress.resolve(host: "127.0.0.1", port: port).get())
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
func freeUDPPort() throws -> Int {
    try UDPSocket.bound(host: "127.0.0.1", port: 0).get().localPort
}
