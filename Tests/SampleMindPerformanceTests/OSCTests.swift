import SampleMindAnalysis
import SampleMindPerformance
import SampleMindProtocol
import XCTest

final class OSCTests: XCTestCase {
    func testTargetsParseWithTheirOwnLeadOrTheDefault() throws {
        XCTAssertEqual(try OSCTarget.parse("127.0.0.1:9000", defaultLead: 15).get(), OSCTarget(host: "127.0.0.1", port: 9000, leadMilliseconds: 15))
        XCTAssertEqual(try OSCTarget.parse("lights.local:7000@40ms", defaultLead: 0).get(), OSCTarget(host: "lights.local", port: 7000, leadMilliseconds: 40))
        XCTAssertEqual(try OSCTarget.parse("[::1]:9000@5", defaultLead: 0).get(), OSCTarget(host: "::1", port: 9000, leadMilliseconds: 5))
    }

    func testBadTargetsSayWhatIsWrong() {
        func message(_ text: String) -> String {
            if case .failure(let error) = OSCTarget.parse(text, defaultLead: 0) { return error.description }
            return "accepted"
        }
        XCTAssertTrue(message("127.0.0.1").contains("needs a port"), message("127.0.0.1"))
        XCTAssertTrue(message("127.0.0.1:70000").contains("1 to 65535"))
        XCTAssertTrue(message("127.0.0.1:0").contains("1 to 65535"))
        XCTAssertTrue(message(":9000").contains("no host"))
        XCTAssertTrue(message("127.0.0.1:9000@900ms").contains("0 to 500 ms"))
        let unresolvable = OSCTarget(host: "no-such-host.invalid", port: 9000, leadMilliseconds: 0)
        guard case .failure(let error) = unresolvable.resolve() else { return XCTFail("resolved a name that cannot exist") }
        XCTAssertTrue(error.description.contains("cannot find OSC target host \"no-such-host.invalid\""), error.description)
    }

    func testMessagesRoundTripThroughLiblo() throws {
        let bytes = OSCPacket.message("/samplemind/beat", [.int(12), .int(1), .int(4), .float(120.5), .double(1_795_000_000.25), .string("x")])
        XCTAssertEqual(bytes.count % 4, 0)
        let decoded = try XCTUnwrap(OSCPacket.decode(bytes))
        XCTAssertEqual(decoded.path, "/samplemind/beat")
        XCTAssertEqual(decoded.arguments, [.int(12), .int(1), .int(4), .float(120.5), .double(1_795_000_000.25), .string("x")])
        let bundle = OSCPacket.bundle(at: 1_795_000_000.5, "/samplemind/onset", [.float(0.5)])
        XCTAssertEqual(Array(bundle.prefix(8)), Array("#bundle\0".utf8))
        // The time tag: NTP seconds, then the fraction (0.5 = 2^31).
        let seconds = bundle[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let fraction = bundle[12..<16].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        XCTAssertEqual(seconds, UInt32(1_795_000_000 + 2_208_988_800))
        XCTAssertEqual(fraction, 1 << 31)
        XCTAssertNil(OSCPacket.decode(bundle), "bundles are not taken as controls")
        XCTAssertNil(OSCPacket.decode([0x2F, 0x61]), "truncated bytes are refused")
        XCTAssertNil(OSCPacket.decode(Array(repeating: 0xFF, count: 64)))
    }

    func testStageControlsParseAndRefuseClearly() {
        XCTAssertEqual(try StageControl.parse(command: "meter", value: 3).get(), .meter(3))
        XCTAssertEqual(try StageControl.parse(command: "tap", value: nil).get(), .tap)
        func refusal(_ command: String, _ value: Double?) -> StageControl.Refusal? {
            if case .failure(let refusal) = StageControl.parse(command: command, value: value) { return refusal }
            return nil
        }
        XCTAssertEqual(refusal("meter", 0)?.code, "out_of_range")
        XCTAssertEqual(refusal("meter", 3.5)?.code, "out_of_range")
        XCTAssertEqual(refusal("meter", nil)?.code, "bad_field")
        XCTAssertEqual(refusal("lock", 1)?.code, "bad_field")
        XCTAssertEqual(refusal("explode", nil)?.code, "unknown_command")
        XCTAssertTrue(refusal("explode", nil)?.message.contains("tap, lock, unlock, downbeat, meter, reset") ?? false)
    }
}
