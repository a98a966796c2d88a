import SampleMindAnalysis
import SampleMindProtocol
import SampleMindStorage
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// One of each message the server sends, made by the real encoders from a real analysis, checked
/// against docs/protocol.schema.json by a real JSON Schema validator (see ``ProtocolSchema``).
/// StreamSchemaTests checks what a running daemon sends the same way.
final class ProtocolSchemaTests: XCTestCase {
    private let wallClock = 1_795_294_841.87

    func testOneOfEachServerMessage_fromTheEncoders_matchesTheSchema() throws {
        let (configuration, frame, events) = try analyseSong(seconds: 14)
        let time = MessageTime(timeSeconds: frame.timeSeconds, wallClockSeconds: wallClock)
        var everything = Subscription()
        everything.features = Set(Feature.allCases)
        everything.maximumFramesPerSecond = 12.5
        // As MQTT publishes it (with the database's instance and every field), and as a collector lists it.
        var published = segment(tempoBPM: 98, key: "E major", loudnessLUFS: -20, closeReason: .maximumLength)
        published.instance = "0123456789abcdef0123456789abcdef"
        var collected = published
        collected.room = "studio-a"
        collected.sourceID = 17
        guard case .failure(let refusal) = StageControl.parse(command: "dance", value: nil) else { return XCTFail("not a control") }

        var messages = [
            HelloJSON.encode(serverVersion: "0.1.0", inputDescription: "file 'song.wav'", inputState: "running", analyzer: configuration,
                             heartbeatSeconds: 10, maximumMessageBytes: 4_096, at: time),
            HelloJSON.encode(serverVersion: "0.1.0", inputDescription: "JACK client 'samplemind'", inputState: "waiting", analyzer: nil,
                             heartbeatSeconds: 10, maximumMessageBytes: 4_096, at: MessageTime(timeSeconds: 0, wallClockSeconds: wallClock)),
            ReplyJSON.subscribed(Subscription(), at: time),
            ReplyJSON.subscribed(everything, at: time),
            ReplyJSON.pong(id: "42", at: time),
            ReplyJSON.pong(id: nil, at: time),
            ReplyJSON.controlAcknowledgement(.meter(3), at: time),
            ReplyJSON.controlAcknowledgement(.tap, at: time),
            ReplyJSON.error(code: refusal.code, message: refusal.message, at: time),
            PingJSON.encode(at: time),
            FrameJSON.encode(frame, wallClockSeconds: wallClock, fields: FrameFields(everything)),
            FrameJSON.encode(FeatureFrame(), wallClockSeconds: wallClock, fields: FrameFields(Subscription())),
            EventJSON.session(timeSeconds: 0, sampleRate: 48_000, channelCount: 2, wallClockSeconds: wallClock),
            EventJSON.discontinuity(timeSeconds: 12.5, gapSeconds: 0.25, wallClockSeconds: wallClock),
            SegmentJSON.event(segment(tempoBPM: 120, key: "A minor", loudnessLUFS: -14, closeReason: .keyChange)),
            SegmentJSON.event(segment(tempoBPM: nil, key: nil, loudnessLUFS: nil, closeReason: .silenceStart)),
            SegmentJSON.event(published, detail: true),
            SegmentJSON.event(collected, detail: true),
        ]
        messages += events.map { EventJSON.encode($0, wallClockSeconds: wallClock) }

        let types = Set(messages.compactMap(Self.type))
        XCTAssertEqual(types, try ProtocolSchema.serverMessageTypes(), "one of each server message the schema defines, and no other")
        XCTAssertTrue(Set(HelloJSON.eventTypes).isSubset(of: types), "every event type hello announces")
        let sent = messages.enumerated().map { number, message in
            String(decoding: MessageHead.prefixed(Array(message.utf8), sequence: number + 1,
                                                  droppedFrames: Self.type(message) == "frame" ? 0 : nil), as: UTF8.self)
        }
        XCTAssertEqual(try ProtocolSchema.violations(of: sent), [])
    }

    func testValidator_whenAFieldIsMissingOrUndescribed_saysWhichAndWhere() throws {
        let time = MessageTime(timeSeconds: 1, wallClockSeconds: wallClock)
        let pong = String(decoding: MessageHead.prefixed(Array(ReplyJSON.pong(id: nil, at: time).utf8), sequence: 1), as: UTF8.self)
        let violations = try ProtocolSchema.violations(of: [
            pong.replacingOccurrences(of: "\"id\":null,", with: ""),
            pong.replacingOccurrences(of: "\"id\":null", with: "\"id\":null,\"colour\":\"red\""),
            pong.replacingOccurrences(of: "\"pong\"", with: "\"gossip\""),
        ])
        XCTAssertEqual(violations.count, 3, violations.joined(separator: "\n"))
        XCTAssertTrue(violations[0].contains("'id' is a required property"), violations[0])
        XCTAssertTrue(violations[1].contains("colour"), violations[1])
        XCTAssertTrue(violations[2].contains("no server message of type 'gossip'"), violations[2])
    }

    /// The analysis' configuration, its last frame and the first event of each kind over the
    /// drums and A minor chords the streaming tests play.
    private func analyseSong(seconds: Double) throws -> (AnalyzerConfiguration, FeatureFrame, [AnalysisEvent]) {
        let song = Percussion.drumPattern(bpm: 120, seconds: seconds, sampleRate: 48_000)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: seconds, sampleRate: 48_000))
        let configuration = AnalyzerConfiguration(sampleRate: 48_000, channelCount: 1)
        let analyzer = try Analyzer(configuration: configuration)
        var firsts: [String: AnalysisEvent] = [:]
        let block = analyzer.samplesPerBlock
        song.samples.withUnsafeBufferPointer { samples in
            for start in stride(from: 0, to: samples.count - block + 1, by: block) {
                analyzer.process(UnsafeBufferPointer(rebasing: samples[start..<(start + block)]))
                for event in analyzer.events {
                    let kind = Self.type(EventJSON.encode(event)) ?? "?"
                    if firsts[kind] == nil { firsts[kind] = event }
                }
            }
        }
        XCTAssertEqual(Set(firsts.keys), ["onset", "beat", "tempo", "key"], "the song has events of every kind")
        return (configuration, analyzer.frame, Array(firsts.values))
    }

    private func segment(tempoBPM: Double?, key: String?, loudnessLUFS: Double?, closeReason: Segment.CloseReason) -> Segment {
        var segment = Segment(startSeconds: 20, endSeconds: 30, startWallClock: wallClock - 10, endWallClock: wallClock, tempoBPM: tempoBPM,
                              tempoConfidence: 0.9, beatCount: 20, key: key, keyConfidence: 0.6, loudnessLUFS: loudnessLUFS,
                              loudnessRangeLU: loudnessLUFS.map { _ in 3.5 }, peakDBFS: -1.5, onsetRate: 4, centroidHz: 1_800,
                              rolloffHz: 5_000, flatness: 0.1, chroma: Array(repeating: 0.5, count: 12), mfcc: Array(repeating: 1, count: 13),
                              closeReason: closeReason)
        segment.id = 7
        segment.sessionID = 2
        return segment
    }

    private static func type(_ message: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any])?["type"] as? String
    }
}
