import Foundation
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// What a running daemon sends over the WebSocket, checked against docs/protocol.schema.json by a
/// real JSON Schema validator (ProtocolSchemaTests checks one of each message from the encoders).
final class StreamSchemaTests: XCTestCase {
    func testEveryMessageARunningDaemonSends_matchesTheSchema() throws {
        let scratch = try ScratchDirectory("samplemind-schema")
        defer { scratch.remove() }
        // 12 s of silence, then drums and A minor chords, at 4× speed: the first tempo and key
        // events come 3 s after the start, well after the client is in, and segments are stored
        // (and announced) while it plays.
        let music = Percussion.drumPattern(bpm: 120, seconds: 24, sampleRate: 48_000)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: 24, sampleRate: 48_000))
        let song = Noise.silence(seconds: 12, sampleRate: 48_000).followed(by: music)
        let daemon = try ServingDaemon(samples: song.samples, speed: 4, extra: ["--db", scratch.file("segments.db")], in: scratch)
        try daemon.waitUntilAnalysing()
        let client = try daemon.client()
        XCTAssertEqual(client.handshakeStatus, 101, client.handshakeResponse)
        var messages: [String] = []
        var types: Set<String> = []
        func collect(until deadline: Date, wanted: Set<String>) {
            while Date() < deadline, !wanted.isSubset(of: types) {
                guard let message = client.receive(timeout: deadline.timeIntervalSinceNow) else { return }
                guard case .text(let text) = message else { continue }
                messages.append(text)
                if let type = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["type"] as? String {
                    types.insert(type)
                }
            }
        }
        collect(until: Date().addingTimeInterval(5), wanted: ["hello"])
        client.sendText(#"{"type":"subscribe","features":["levels","loudness","spectral","spectrum","chroma","mfcc","tracking"],"max_fps":10}"#)
        client.sendText(#"{"type":"ping","id":"schema"}"#)
        client.sendText(#"{"type":"ping"}"#)
        client.sendText(#"{"type":"subscribe","features":["smell"]}"#)
        client.sendText(#"{"type":"control","command":"meter","value":3}"#)
        // The heartbeat comes 10 s after the server started; segments once 10 s of music follow them.
        let wanted: Set = ["hello", "subscribed", "pong", "error", "control_ack", "ping", "frame", "onset", "beat", "tempo", "key", "segment"]
        collect(until: Date().addingTimeInterval(20), wanted: wanted)

        XCTAssertEqual(wanted.subtracting(types), [], "every kind of message the daemon sends here came")
        XCTAssertEqual(try ProtocolSchema.violations(of: messages), [], "\(messages.count) messages")
    }
}
