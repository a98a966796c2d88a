import Foundation
import SampleMindTestSupport
import XCTest

final class SlowClientTests: XCTestCase {
    func testSlowClient_losesItsOwnFramesIsClosedAndNeverSlowsTheOthers() throws {
        let scratch = try ScratchDirectory("samplemind-slow")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 20, speed: 2, loop: true, extra: ["--client-timeout", "2"], in: scratch)
        try daemon.waitUntilAnalysing()
        let everything = #"{"type":"subscribe","features":["levels","loudness","spectral","spectrum","chroma","mfcc","tracking"],"max_fps":"#
        let slow = try daemon.client(receiveBufferBytes: 4_096)
        slow.sendText(everything + "120}")
        let fast = try daemon.client()
        _ = fast.next("hello")
        fast.sendText(everything + "30}")
        _ = fast.next("subscribed")

        var arrivals: [Date] = []
        var sequence: [Int] = []
        let end = Date().addingTimeInterval(6)
        while Date() < end {
            for message in fast.receiveJSON(count: 1, timeout: 0.5) where message["type"] as? String == "frame" {
                arrivals.append(Date())
                sequence.append(message["seq"] as? Int ?? 0)
            }
        }
        let window = arrivals.filter { $0 > arrivals.first!.addingTimeInterval(1) && $0 <= arrivals.first!.addingTimeInterval(5) }
        XCTAssertEqual(Double(window.count) / 4, 30, accuracy: 3, "the fast client keeps its 30 frames a second")

        let metrics = try httpGet(port: daemon.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("samplemind_clients_closed_total{reason=\"slow\"} 1"), metrics)
        let dropped = metrics.split(separator: "\n").first { $0.hasPrefix("samplemind_frames_dropped_total{reason=\"slow_client\"}") }
        XCTAssertGreaterThan(Int(dropped?.split(separator: " ").last ?? "0") ?? 0, 0, "the slow client's drops are counted")
        // The server has let go of the slow client: only the fast one is connected.
        var clients = ""
        let deadline = Date().addingTimeInterval(5)
        repeat {
            clients = try httpGet(port: daemon.port, path: "/metrics").body.split(separator: "\n")
                .first { $0.hasPrefix("samplemind_clients ") }.map(String.init) ?? ""
            if clients == "samplemind_clients 1" { break }
            Thread.sleep(forTimeInterval: 0.2)
        } while Date() < deadline
        XCTAssertEqual(clients, "samplemind_clients 1", "the slow client's connection is closed")
        XCTAssertNotNil(fast.next("frame"), "and the fast one carries on")
        XCTAssertEqual(try httpGet(port: daemon.port, path: "/health").status, 200)
    }
}
