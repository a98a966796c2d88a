import SampleMindStreaming
import SampleMindSynthesis
import XCTest

/// The client message parser, property-tested: any bytes give a message or a refusal, never a
/// crash, and a refusal always has a code and a sentence. To rerun with more inputs:
/// `SAMPLEMIND_FUZZ_INPUTS=10000000 swift test --filter ClientMessageFuzzTests`.
final class ClientMessageFuzzTests: XCTestCase {
    static let seeds: [String] = [
        #"{"type":"subscribe","features":["levels","spectrum"],"max_fps":30,"binary_spectrum":false}"#,
        #"{"type":"ping","id":"x"}"#, #"{"type":"subscribe"}"#, #"{"type":"subscribe","max_fps":1e308}"#,
        #"{"type":"subscribe","features":[]}"#, #"{}"#, "[]", "null", "1", #""text""#,
    ]

    func testParse_neverCrashesOnAMillionRandomAndMutatedInputs() {
        let inputs = Int(ProcessInfo.processInfo.environment["SAMPLEMIND_FUZZ_INPUTS"] ?? "") ?? 1_000_000
        var random = SplitMix64(seed: 2026)
        var accepted = 0
        for i in 0..<inputs {
            var bytes: [UInt8]
            if i % 2 == 0 {
                bytes = Array(Self.seeds[Int(random.next() % UInt64(Self.seeds.count))].utf8)
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    guard !bytes.isEmpty else { break }
                    let position = Int(random.next() % UInt64(bytes.count))
                    switch random.next() % 3 {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                    case 1: bytes.remove(at: position)
                    default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: position)
                    }
                }
            } else {
                bytes = (0..<Int(random.next() % 48)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            switch ClientMessage.parse(bytes) {
            case .success: accepted += 1
            case .failure(let refusal):
                if refusal.code.isEmpty || refusal.message.isEmpty { XCTFail("a refusal without code or sentence for \(bytes)") }
            }
        }
        XCTAssertGreaterThan(accepted, inputs / 200, "mutations of valid messages are often still valid")
    }

    func testParse_acceptsValidMessagesExactly() throws {
        guard case .success(.subscribe(let subscription)) = ClientMessage.parse(Array(Self.seeds[0].utf8)) else {
            return XCTFail("a valid subscribe")
        }
        XCTAssertEqual(subscription.features, [.levels, .spectrum])
        XCTAssertEqual(subscription.maximumFramesPerSecond, 30)
        XCTAssertEqual(ClientMessage.parse(Array(#"{"type":"ping"}"#.utf8)), .success(.ping(id: nil)))
        guard case .failure(let refusal) = ClientMessage.parse(Array(#"{"type":"subscribe","max_fps":0.5}"#.utf8)) else {
            return XCTFail("0.5 fps is out of range")
        }
        XCTAssertEqual(refusal.code, "out_of_range")
    }
}
