import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

final class StreamProtocolTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-stream") }
    override func tearDown() { scratch.remove() }

    func testStream_helloSubscribeFramesAndEvents_matchWhatAnalyzeReports() throws {
        let daemon = try ServingDaemon(seconds: 14, in: scratch)
        try daemon.waitUntilAnalysing()
        let client = try daemon.client()
        XCTAssertEqual(client.handshakeStatus, 101, client.handshakeResponse)
        let hello = try XCTUnwrap(client.next("hello"))
        XCTAssertEqual(hello["protocol_version"] as? Int, 1)
        XCTAssertEqual(hello["seq"] as? Int, 1)
        XCTAssertEqual(hello["sample_rate"] as? Double, 48_000)
        XCTAssertEqual(hello["hop_size"] as? Int, 480)
        XCTAssertNotNil((hello["delays_s"] as? [String: Any])?["onset"] as? Double)
        XCTAssertTrue((hello["features"] as? [String])?.contains("spectrum") ?? false)

        client.sendText(#"{"type":"subscribe","features":["levels","spectrum"],"max_fps":20}"#)
        let subscribed = try XCTUnwrap(client.next("subscribed"))
        XCTAssertEqual(subscribed["max_fps"] as? Double, 20)

        var messages: [[String: Any]] = []
        var frameArrivals: [Date] = []
        let end = Date().addingTimeInterval(11)
        while Date() < end {
            for message in client.receiveJSON(count: 1, timeout: 1) {
                messages.append(message)
                if message["type"] as? String == "frame" { frameArrivals.append(Date()) }
            }
        }
        let sequence = messages.compactMap { $0["seq"] as? Int }
        XCTAssertEqual(sequence, Array((sequence.first ?? 0)..<((sequence.first ?? 0) + sequence.count)), "no gaps, +1 per message")
        // Frame rate over the middle of the run, measured on arrival.
        let start = frameArrivals.first!.addingTimeInterval(2)
        let window = frameArrivals.filter { $0 >= start && $0 < start.addingTimeInterval(6) }
        XCTAssertEqual(Double(window.count) / 6, 20, accuracy: 2, "frames at the subscribed rate (within 10 %)")
        let frame = try XCTUnwrap(messages.last { $0["type"] as? String == "frame" })
        XCTAssertEqual((frame["spectrum_db"] as? [Double])?.count, 96)
        XCTAssertNotNil(frame["peak_dbfs"])
        XCTAssertNil(frame["lufs_momentary"], "only subscribed features")
        XCTAssertNotNil(frame["wall_clock"] as? Double)
        XCTAssertNotNil(frame["index"] as? Int)

        // Same samples, same hop alignment: the stream's events are those analyze reports.
        let onsets = messages.filter { $0["type"] as? String == "onset" }.compactMap { $0["t"] as? Double }
        let beats = messages.filter { $0["type"] as? String == "beat" }.compactMap { $0["t"] as? Double }
        XCTAssertGreaterThan(onsets.count, 20)
        XCTAssertGreaterThan(beats.count, 10)
        for onset in onsets { XCTAssertTrue(daemon.expected.onsets.contains { abs($0 - onset) < 0.0002 }, "onset \(onset)") }
        for beat in beats { XCTAssertTrue(daemon.expected.beats.contains { abs($0 - beat) < 0.0002 }, "beat \(beat)") }

        // SIGTERM closes the stream with 1001 (going away).
        kill(daemon.process.pid, SIGTERM)
        XCTAssertEqual(client.waitForClose(timeout: 5)?.code, 1001)
        XCTAssertTrue(daemon.process.waitForExit(timeout: 3))
        XCTAssertEqual(daemon.process.process.terminationStatus, 0)
    }

    func testStream_pingGetsPongAndBinarySpectrumWhenAskedFor() throws {
        let daemon = try ServingDaemon(seconds: 8, in: scratch)
        let client = try daemon.client()
        _ = client.next("hello")
        client.sendText(#"{"type":"ping","id":"abc"}"#)
        XCTAssertEqual(client.next("pong")?["id"] as? String, "abc")
        client.sendText(#"{"type":"subscribe","features":["spectrum"],"binary_spectrum":true,"max_fps":10}"#)
        _ = client.next("subscribed")
        var binary: [UInt8]?
        let end = Date().addingTimeInterval(4)
        while binary == nil, Date() < end {
            if case .binary(let bytes) = client.receive(timeout: 1) { binary = bytes }
        }
        let bytes = try XCTUnwrap(binary)
        XCTAssertEqual(Array(bytes.prefix(4)), Array("SMSP".utf8))
        XCTAssertEqual(bytes.count, 44 + 96 * 4)
    }

    func testStream_badMessagesGetErrorsAndTheServerCarriesOn() throws {
        let daemon = try ServingDaemon(seconds: 30, loop: true, in: scratch)
        let observer = try daemon.client()
        _ = observer.next("hello")
        observer.sendText(#"{"type":"subscribe","max_fps":10}"#)
        _ = observer.next("subscribed")

        let client = try daemon.client()
        _ = client.next("hello")
        let cases: [(String, String)] = [
            ("this is not json", "bad_json"),
            ("[1,2,3]", "bad_json"),
            (#"{"no_type":true}"#, "bad_message"),
            (#"{"type":"dance"}"#, "unknown_type"),
            (#"{"type":"subscribe","max_fps":"fast"}"#, "bad_field"),
            (#"{"type":"subscribe","max_fps":1000}"#, "out_of_range"),
            (#"{"type":"subscribe","features":["levels","smell"]}"#, "unknown_feature"),
            (#"{"type":"subscribe","features":"levels"}"#, "bad_field"),
            (#"{"type":"subscribe","binary_spectrum":"yes"}"#, "bad_field"),
            (#"{"type":42}"#, "bad_field"),
        ]
        for (text, code) in cases {
            client.sendText(text)
            let error = client.next("error")
            XCTAssertEqual(error?["code"] as? String, code, "for \(text)")
            XCTAssertGreaterThan((error?["message"] as? String)?.count ?? 0, 10)
        }
        client.sendText(#"{"type":"subscribe","max_fps":5,"future_option":true}"#)
        XCTAssertEqual(client.next("subscribed")?["max_fps"] as? Double, 5, "unknown optional fields are ignored")

        let binary = try daemon.client()
        _ = binary.next("hello")
        binary.sendBinary([0xFF, 0x00, 0x13, 0x37])
        XCTAssertEqual(binary.waitForClose()?.code, 1003)

        let huge = try daemon.client()
        _ = huge.next("hello")
        huge.sendText(#"{"type":"ping","id":""# + String(repeating: "x", count: 10_000) + #""}"#)
        XCTAssertEqual(huge.waitForClose()?.code, 1009)

        let fragmented = try daemon.client()
        _ = fragmented.next("hello")
        for index in 0..<5 { fragmented.sendFrame(opcode: index == 0 ? 0x1 : 0x0, payload: Array(repeating: 0x20, count: 1_000), final: false) }
        fragmented.sendFrame(opcode: 0x0, payload: Array(#"{"type":"ping"}"#.utf8), final: true)
        XCTAssertEqual(fragmented.waitForClose()?.code, 1009, "a message split into fragments is limited as a whole")

        let invalidUTF8 = try daemon.client()
        _ = invalidUTF8.next("hello")
        invalidUTF8.sendFrame(opcode: 0x1, payload: [0x7B, 0xC3, 0x28, 0x7D])
        XCTAssertEqual(invalidUTF8.waitForClose()?.code, 1007)

        let flood = try daemon.client()
        _ = flood.next("hello")
        for _ in 0..<60 { flood.sendText(#"{"type":"ping"}"#) }
        XCTAssertEqual(flood.next("error", timeout: 5)?["code"] as? String, "rate_limited", "a burst past the limit is told off")
        for _ in 0..<400 { flood.sendText(#"{"type":"ping"}"#) }
        // The server closes with 1008; a client still sending may see a reset instead of the close frame.
        let floodClose = flood.waitForClose()
        XCTAssertTrue(floodClose == nil || floodClose?.code == 1008, "closed with 1008, got \(String(describing: floodClose))")
        let metrics = try httpGet(port: daemon.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("samplemind_clients_closed_total{reason=\"flood\"} 1"), metrics)
        let inputFrames = metrics.split(separator: "\n").first { $0.hasPrefix("samplemind_input_frames_total ") }
        XCTAssertGreaterThan(Int(inputFrames?.split(separator: " ").last ?? "0") ?? 0, 0, "the input's frames are counted")
        XCTAssertTrue(metrics.contains("samplemind_discontinuities_total 0\n"))
        XCTAssertTrue(metrics.contains("samplemind_clients_closed_total{reason=\"binary_message\"} 1"))
        XCTAssertTrue(metrics.contains("samplemind_clients_closed_total{reason=\"message_too_large\"} 2"))

        // The observer kept its stream through all of that.
        let frames = observer.receiveJSON(count: 200, timeout: 2).filter { $0["type"] as? String == "frame" }
        XCTAssertGreaterThanOrEqual(frames.count, 15)
        let health = try httpGet(port: daemon.port, path: "/health")
        XCTAssertEqual(health.status, 200)
    }
}
