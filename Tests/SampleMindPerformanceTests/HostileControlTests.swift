import Foundation
import Glibc
import SampleMindAnalysis
import SampleMindPerformance
import SampleMindProtocol
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// Stage controls carrying the numbers a hostile sender tries first: each is refused or taken
/// with an answer, and the daemon goes on analysing.
final class HostileControlTests: XCTestCase {
    /// NaN, ±Inf, ±1e308, 2^63, −2^31 and −0.
    static let hostile: [Double] = [.nan, .infinity, -.infinity, 1e308, -1e308, 0x1p63, -0x1p31, -0.0]

    func testParse_whenTheMeterIsHostile_refusesWithoutTrapping() {
        for value in Self.hostile {
            guard case .failure(let refusal) = StageControl.parse(command: "meter", value: value) else {
                return XCTFail("meter \(value) was taken")
            }
            XCTAssertEqual(refusal.code, "out_of_range", "\(value)")
        }
        for command in StageControl.commandNames where command != "meter" {
            for value in Self.hostile {
                guard case .failure(let refusal) = StageControl.parse(command: command, value: value) else {
                    return XCTFail("\(command) \(value) was taken")
                }
                XCTAssertEqual(refusal.code, "bad_field", "\(command) \(value)")
            }
        }
    }

    /// A daemon looping a drum pattern, taking stage controls over OSC: it, its HTTP port and its OSC port.
    static func daemonTakingOSCControls(in scratch: ScratchDirectory) throws -> (ChildProcess, Int, Int) {
        let path = try PerformerOutputTests.write(Percussion.drumPattern(bpm: 120, seconds: 20, sampleRate: PerformerOutputTests.rate),
                                                  "drums.wav", in: scratch)
        let oscPort = try freeUDPPort()
        let (daemon, port) = try PerformerOutputTests.serve(["--input", "file", "--file", path, "--loop", "--osc-listen-port", "\(oscPort)"],
                                                            in: scratch)
        XCTAssertTrue(daemon.waitFor("taking stage controls over OSC", timeout: 5), daemon.errors)
        return (daemon, port, oscPort)
    }

    func testDecode_whenTheTypeTagIsH_keepsTheWhole64BitValue() {
        let decoded = OSCPacket.decode(OSCPacket.message("/samplemind/meter", [.long(Int64.max)]))
        XCTAssertEqual(decoded?.arguments, [.long(Int64.max)])
    }

    func testEveryStageControlWithHostileNumbersOverWebSocketAndOSC_isAnsweredAndAnalysisGoesOn() throws {
        let scratch = try ScratchDirectory("hostile-controls")
        defer { scratch.remove() }
        let (daemon, port, oscPort) = try Self.daemonTakingOSCControls(in: scratch)
        defer { daemon.stop() }

        let client = try WebSocketTestClient(port: port)
        XCTAssertNotNil(client.next("hello"))
        client.sendText(#"{"type":"subscribe","features":["tracking"],"max_fps":10}"#)
        func answer(_ json: String) -> String? {
            client.sendText(json)
            let until = Date().addingTimeInterval(5)
            while Date() < until {
                guard let message = client.receiveJSON(count: 1, timeout: 5).first else { return nil }
                if let type = message["type"] as? String, ["control_ack", "error"].contains(type) { return type }
            }
            return nil
        }
        // JSON has no NaN or infinity: their spellings are refused as bad JSON, 1e999 overflows.
        let spellings = ["NaN", "Infinity", "-Infinity", "1e999", "1e308", "-1e308", "9223372036854775808", "-2147483648", "-0", "-0.0"]
        for command in StageControl.commandNames {
            for value in spellings {
                let json = "{\"type\":\"control\",\"command\":\"\(command)\",\"value\":\(value)}"
                XCTAssertEqual(answer(json), "error", json)
                usleep(120_000)  // stay under the per-client message rate
            }
        }

        let osc = try OSCReceiver()
        defer { osc.stop() }
        var sent = 0
        for command in StageControl.commandNames {
            var arguments: [OSCArgument] = []
            for value in Self.hostile {
                arguments.append(.double(value))
                arguments.append(.float(Float(value)))
                arguments.append(.long(value.isFinite && abs(value) < 0x1p63 ? Int64(value) : (value.sign == .minus ? .min : .max)))
                if let whole = Int32(exactly: value) { arguments.append(.int(whole)) }
            }
            for argument in arguments {
                try osc.send(OSCPacket.message("/samplemind/\(command)", [argument]), toPort: oscPort)
                sent += 1
            }
        }
        let answered = osc.waitFor("/samplemind/error", count: sent, timeout: 10).count + osc.messages("/samplemind/ack").count
        XCTAssertEqual(answered, sent, "every datagram is answered")
        XCTAssertTrue(osc.messages("/samplemind/ack").isEmpty, "none of these values is a control to take")

        XCTAssertTrue(daemon.isRunning, "the daemon is still running: \(daemon.errors.suffix(2_000))")
        let before = client.next("frame")?["t"] as? Double ?? -1
        usleep(1_000_000)
        var after = -1.0
        for _ in 0..<30 { after = client.next("frame")?["t"] as? Double ?? after }
        XCTAssertGreaterThan(after, before + 0.5, "frames keep coming: the analysis goes on")
        XCTAssertEqual(try httpGet(port: port, path: "/health").status, 200)
    }

    func testOSCMeterWithFloat1e30_isRefusedAndTheDaemonLives() throws {
        let scratch = try ScratchDirectory("hostile-osc-meter")
        defer { scratch.remove() }
        let (daemon, port, oscPort) = try Self.daemonTakingOSCControls(in: scratch)
        defer { daemon.stop() }
        let osc = try OSCReceiver()
        defer { osc.stop() }
        // One 28-byte datagram: /samplemind/meter ,f 1e30.
        let datagram = OSCPacket.message("/samplemind/meter", [.float(1e30)])
        XCTAssertEqual(datagram.count, 28)
        try osc.send(datagram, toPort: oscPort)
        XCTAssertEqual(osc.waitFor("/samplemind/error", timeout: 5).first?.arguments.first, .string("meter"))
        usleep(300_000)
        XCTAssertTrue(daemon.isRunning, daemon.errors.suffix(1_000).description)
        XCTAssertEqual(try httpGet(port: port, path: "/health").status, 200)
    }
}
