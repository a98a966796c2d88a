import CLibFuzzer
import Glibc
import SampleMindMQTT

/// One `mqtt.url` and one `mqtt.room`, from the halves of the input split at its first NUL byte
/// (the bytes as text, as the configuration reader would hand them over). Any text must give a
/// broker URL or topics, or an error naming the key, never a trap or a hang. An accepted URL must
/// have a port in 1–65535 and a host, and read back to itself from its description; an accepted
/// room must make topics with exactly the room as their second level.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let url = String(decoding: bytes[..<split], as: UTF8.self)
    let room = split < bytes.count ? String(decoding: bytes[(split + 1)...], as: UTF8.self) : ""
    switch MQTTBrokerURL.parse(url) {
    case .success(let broker):
        guard (1...65_535).contains(broker.port), !broker.host.isEmpty else { fatalError("accepted \(url) as \(broker)") }
        guard case .success(let again) = MQTTBrokerURL.parse(broker.description), again == broker else {
            fatalError("\(broker) does not read back to itself")
        }
    case .failure(let error):
        guard error.key == "mqtt.url", !error.message.isEmpty else { fatalError("URL error without key or message: \(error)") }
    }
    switch MQTTTopics.make(room: room) {
    case .success(let topics):
        // Topic levels are split on the byte '/', as brokers do (a room starting with a combining
        // mark joins the '/' before it in one Character, but not in bytes).
        let levels = topics.beat.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard levels.count == 3, Array(levels[1]) == Array(room.utf8), !room.utf8.contains(UInt8(ascii: "+")),
              !room.utf8.contains(UInt8(ascii: "#")) else {
            fatalError("room \(room.debugDescription) made the topic \(topics.beat)")
        }
    case .failure(let error):
        guard error.key == "mqtt.room", !error.message.isEmpty else { fatalError("room error without key or message: \(error)") }
    }
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzz))
