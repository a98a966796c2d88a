import Foundation
import Glibc

/// `mosquitto_sub` subscribed to topic filters on a test broker, each message written with its
/// arrival time and retained flag; ``messages(_:)`` reads what has arrived so far.
public final class MQTTSubscriber {
    /// One message: when it arrived (Unix seconds), whether the broker gave it as retained, where, what.
    public struct Message {
        public var arrival: Double
        public var retained: Bool
        public var topic: String
        public var payload: String

        /// The payload as a JSON object (nil for `online`, `offline` or anything not an object).
        public var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any]
        }
    }

    private let child: ChildProcess

    /// Subscribes to `filters` (default: everything SampleMind and Home Assistant publish).
    /// `extra` are further mosquitto_sub arguments (`-V mqttv5`, `--cafile …`, `-u`/`-P`).
    public init(port: Int, filters: [String] = ["samplemind/#", "homeassistant/#"], extra: [String] = [], in scratch: ScratchDirectory) throws {
        var arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-F", "%U %r %t %p", "-q", "1"] + extra
        for filter in filters { arguments += ["-t", filter] }
        child = try ChildProcess("/usr/bin/mosquitto_sub", arguments, label: "mosquitto_sub-\(UUID().uuidString.prefix(6))", in: scratch)
    }

    public var errors: String { child.errors }

    /// Everything received so far, optionally only on `topic`.
    public func messages(_ topic: String? = nil) -> [Message] {
        child.output.split(separator: "\n").compactMap { line -> Message? in
            let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, let arrival = Double(parts[0]) else { return nil }
            let message = Message(arrival: arrival, retained: parts[1] == "1", topic: String(parts[2]), payload: String(parts[3]))
            return topic == nil || message.topic == topic ? message : nil
        }
    }

    /// Waits until `count` messages on `topic` have arrived, up to `timeout` seconds; returns them.
    @discardableResult
    public func waitFor(_ topic: String, count: Int = 1, timeout: Double, where accept: (Message) -> Bool = { _ in true }) -> [Message] {
        let deadline = Date().addingTimeInterval(timeout)
        var found: [Message] = []
        repeat {
            found = messages(topic).filter(accept)
            if found.count >= count { return found }
            usleep(100_000)
        } while Date() < deadline
        return found
    }

    public func stop() { child.stop() }
}
