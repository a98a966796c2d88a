import Foundation
import Glibc
import SampleMindPerformance

/// A WLED Audio Sync receiver for tests: a UDP socket on 127.0.0.1 (a free port) whose datagrams
/// a background thread decodes as WLED does (44 bytes, header "00002") and keeps with their
/// arrival time (Unix seconds). Anything else is counted as refused.
final class AudioSyncReceiver: @unchecked Sendable {
    struct Received { var packet: AudioSyncPacket; var arrival: Double }

    let port: Int
    private let socket: UDPSocket
    private let lock = NSLock()
    private var received: [Received] = []
    private var refusedCount = 0
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
            guard let datagram = socket.receive(limit: 2_048, timeout: 0.1) else { continue }
            let arrival = Date().timeIntervalSince1970
            guard let packet = AudioSyncPacket(decoding: datagram.bytes) else {
                lock.withLock { refusedCount += 1 }
                continue
            }
            lock.withLock { received.append(Received(packet: packet, arrival: arrival)) }
        }
    }

    var packets: [Received] { lock.withLock { received } }
    var refused: Int { lock.withLock { refusedCount } }

    /// Waits until `count` packets have arrived (or the timeout passes).
    func waitFor(count: Int, timeout: Double) -> [Received] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, packets.count < count { usleep(20_000) }
        return packets
    }
}
