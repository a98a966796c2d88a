import Foundation
import Glibc

/// One subscribing MQTT 3.1.1 connection for the fan-out benchmark, small enough that one process
/// can hold thousands of them: CONNECT and SUBSCRIBE (QoS 0) are sent at once, then the socket is
/// read without blocking and PUBLISH packets are counted; a beat's lateness (arrival minus the
/// payload's `wall_clock`) is kept. Not a general client: it speaks only what a QoS 0 subscriber
/// needs, and a malformed stream from the broker just ends the connection.
final class MQTTBenchSubscriber {
    let fd: Int32
    private(set) var deliveries = 0
    private(set) var beats = 0
    private(set) var closed = false
    private var buffer: [UInt8] = []
    private static let wallClockKey = Array("\"wall_clock\":".utf8)
    private static let beatSuffixReversed = Array("/beat".utf8.reversed())

    init?(port: Int, clientID: String, topic: String) {
        guard let socket = connectLoopback(port: port) else { return nil }
        fd = socket
        var packets = Self.connectPacket(clientID: clientID)
        packets += Self.subscribePacket(topic: topic)
        guard packets.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == packets.count else { return nil }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(fd) }

    /// Reads what the socket holds; `lateness` gets each beat's lateness in milliseconds.
    func read(into chunk: inout [UInt8], lateness: inout [Double]) {
        while !closed {
            let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got == 0 { closed = true }
            guard got > 0 else { break }
            buffer.append(contentsOf: chunk[0..<got])
        }
        let now = Date().timeIntervalSince1970
        var offset = 0
        while offset + 2 <= buffer.count {
            // Fixed header: type and flags, then the remaining length in 7-bit groups.
            var length = 0, multiplier = 1, index = offset + 1, complete = false
            while index < buffer.count, index - offset <= 4 {
                length += Int(buffer[index] & 0x7F) * multiplier
                multiplier *= 128
                index += 1
                if buffer[index - 1] & 0x80 == 0 { complete = true; break }
            }
            guard complete else {
                if index - offset > 4 { closed = true }
                break
            }
            guard index + length <= buffer.count else { break }
            if buffer[offset] >> 4 == 3, length >= 2 {
                deliveries += 1
                let topicLength = Int(buffer[index]) << 8 | Int(buffer[index + 1])
                let topicEnd = index + 2 + topicLength
                if topicEnd <= index + length, buffer[(index + 2)..<topicEnd].reversed().starts(with: Self.beatSuffixReversed) {
                    beats += 1
                    if let wall = Self.wallClock(in: buffer[topicEnd..<(index + length)]) { lateness.append((now - wall) * 1000) }
                }
            }
            offset = index + length
        }
        buffer.removeFirst(offset)
    }

    /// The number after `"wall_clock":` in a JSON payload.
    private static func wallClock(in payload: ArraySlice<UInt8>) -> Double? {
        guard let start = payload.firstRange(of: wallClockKey)?.upperBound else { return nil }
        let digits = payload[start...].prefix { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || (48...57).contains($0) }
        return Double(String(decoding: digits, as: UTF8.self))
    }

    private static func connectPacket(clientID: String) -> [UInt8] {
        // Protocol name "MQTT", level 4 (3.1.1), clean session, no keep-alive.
        var body: [UInt8] = [0, 4] + Array("MQTT".utf8) + [4, 0x02, 0, 0]
        body += string(clientID)
        return [0x10] + remainingLength(body.count) + body
    }

    private static func subscribePacket(topic: String) -> [UInt8] {
        let body: [UInt8] = [0, 1] + string(topic) + [0]
        return [0x82] + remainingLength(body.count) + body
    }

    private static func string(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
    }

    private static func remainingLength(_ count: Int) -> [UInt8] {
        var encoded: [UInt8] = [], value = count
        repeat {
            var byte = UInt8(value % 128)
            value /= 128
            if value > 0 { byte |= 0x80 }
            encoded.append(byte)
        } while value > 0
        return encoded
    }
}
