import SampleMindProtocol
import SampleMindStorage
import XCTest

/// A segment message read back (what `samplemind collect` stores): every field as sent, every
/// bad field refused with its name.
final class SegmentMessageTests: XCTestCase {
    private func published() -> Segment {
        var segment = Segment(startSeconds: 12.5, endSeconds: 14.5, startWallClock: 1_800_000_000.25, endWallClock: 1_800_000_002.25,
                              tempoBPM: 123.5, tempoConfidence: 0.625, beatCount: 4, key: "F# minor", keyConfidence: 0.5,
                              loudnessLUFS: -18.25, loudnessRangeLU: nil, peakDBFS: -3.5, onsetRate: 2.5, centroidHz: 1_234.5,
                              rolloffHz: 4_321, flatness: 0.125, chroma: (0..<12).map { Float($0) / 8 },
                              mfcc: (0..<13).map { Float($0) - 6.5 }, closeReason: .tempoChange)
        segment.id = 41
        segment.sessionID = 3
        segment.instance = "0123456789abcdef0123456789abcdef"
        return segment
    }

    func testParse_ofAPublishedMessage_givesBackEveryFieldWithItsOrigin() throws {
        let payload = Array(MessageHead.prefixed(Array(SegmentJSON.event(published(), detail: true).utf8), sequence: 9, droppedFrames: nil))
        let parsed = try SegmentMessage.parse(payload, room: "studio-a").get()
        var expected = published()
        expected.id = 0
        expected.sessionID = 0
        expected.room = "studio-a"
        expected.sourceID = 41
        XCTAssertEqual(parsed, expected)
    }

    func testParse_whenAFieldIsWrong_refusesNamingIt() throws {
        let good = SegmentJSON.event(published(), detail: true)
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "\"beat_count\":4", with: "\"beat_count\":4.5"), "beat_count"),
            (good.replacingOccurrences(of: "\"start_t\":12.5", with: "\"start_t\":-1"), "start_t"),
            (good.replacingOccurrences(of: "\"end_t\":14.5", with: "\"end_t\":12"), "end_t"),
            (good.replacingOccurrences(of: "\"close_reason\":\"tempo_change\"", with: "\"close_reason\":\"bored\""), "close_reason"),
            (good.replacingOccurrences(of: "\"flatness\":0.125", with: "\"flatness\":7"), "flatness"),
            (good.replacingOccurrences(of: "\"chroma\":[0", with: "\"chroma\":[\"x\",0"), "chroma"),
            (good.replacingOccurrences(of: "\"instance\":\"0123456789abcdef0123456789abcdef\"", with: "\"instance\":\"a/b\""), "instance"),
            (good.replacingOccurrences(of: "\"type\":\"segment\"", with: "\"type\":\"beat\""), "type"),
        ]
        for (payload, field) in cases {
            guard case .failure(let refusal) = SegmentMessage.parse(Array(payload.utf8), room: "a") else {
                XCTFail("accepted a bad \(field)")
                continue
            }
            XCTAssertTrue(refusal.description.hasPrefix(field), "\(field): \(refusal)")
        }
        for payload in [[], [UInt8](repeating: 0x20, count: SegmentMessage.maximumBytes + 1), Array("[1]".utf8), Array("{\"type\":".utf8)] {
            guard case .failure = SegmentMessage.parse(payload, room: "a") else { return XCTFail("accepted \(payload.prefix(20))") }
        }
    }
}

extension SegmentMessageTests {
    /// Found by the segment-message fuzz target: a message without chroma and MFCC was stored,
    /// then served as `"chroma":[]`, which the schema and a second collector refuse.
    func testAMessageWithoutChromaOrMFCC_isServedWithoutThemAndReadBackAgain() throws {
        var segment = published()
        segment.chroma = []
        segment.mfcc = []
        let served = SegmentJSON.event(segment, detail: true)
        XCTAssertFalse(served.contains("\"chroma\"") || served.contains("\"mfcc\""), served)
        let parsed = try SegmentMessage.parse(Array(served.utf8), room: "a").get()
        XCTAssertEqual(parsed.chroma, [])
        XCTAssertEqual(parsed.mfcc, [])
        XCTAssertEqual(parsed.sourceID, 41)
    }
}
