import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

/// The daemon's side of systemd's notify protocol, against a socket the test owns.
final class SystemdNotifyTests: XCTestCase {
    /// A datagram socket bound to a path, collecting what arrives with arrival times.
    final class NotifySocket {
        let path: String
        let fd: Int32
        init(path: String) {
            self.path = path
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            }
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        deinit { close(fd) }

        func receive(until deadline: Date) -> [(Date, String)] {
            var messages: [(Date, String)] = []
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while Date() < deadline {
                let got = recv(fd, &buffer, buffer.count, 0)
                if got > 0 { messages.append((Date(), String(decoding: buffer[0..<got], as: UTF8.self))) }
            }
            return messages
        }
    }

    func testNotify_readyAfterTheServerAnswers_watchdogWhileAnalysing_silenceWhenStalled() throws {
        let scratch = try ScratchDirectory("samplemind-notify")
        defer { scratch.remove() }
        let socket = NotifySocket(path: scratch.file("notify.sock"))
        let song = scratch.file("song.wav")
        _ = try SampleMindBinary.run(["demo", "--output", song, "--seconds", "20"])
        let daemon = try ChildProcess(
            SampleMindBinary.url.path,
            ["serve", "--input", "file", "--file", song, "--loop", "--port", "0", "--realtime-priority", "0",
             "--test-stall-analysis-after", "3"],
            environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"], label: "daemon", in: scratch)
        defer { daemon.stop(signal: SIGKILL) }

        // READY=1 comes only once the HTTP server answers.
        var ready: Date?
        let readyDeadline = Date().addingTimeInterval(10)
        var messages: [(Date, String)] = []
        while ready == nil, Date() < readyDeadline {
            let batch = socket.receive(until: Date().addingTimeInterval(0.1))
            messages += batch
            if batch.contains(where: { $0.1.contains("READY=1") }) {
                ready = Date()
                let line = try XCTUnwrap(daemon.errors.split(separator: "\n").first { $0.contains("listening on http://") },
                                         "the server was listening before READY=1")
                let port = try XCTUnwrap(Int(line.components(separatedBy: "http://")[1].split(separator: "/")[0].split(separator: ":").last ?? ""))
                XCTAssertEqual(try httpGet(port: port, path: "/health").status, 200, "and answers")
            }
        }
        XCTAssertNotNil(ready, "READY=1 arrived")
        XCTAssertTrue(messages.contains { $0.1.contains("STATUS=") }, "with a STATUS line")

        // Watchdog pings every 0.2 s while the analysis runs…
        messages = socket.receive(until: Date().addingTimeInterval(2))
        let pings = messages.filter { $0.1.contains("WATCHDOG=1") }.map(\.0)
        XCTAssertGreaterThanOrEqual(pings.count, 6, "about ten pings in 2 s at a 0.2 s interval")
        XCTAssertTrue(messages.contains { $0.1.contains("STATUS=analysing") }, messages.map(\.1).description)

        // …and stop once it has stalled (3 s after start).
        _ = socket.receive(until: Date().addingTimeInterval(2))
        let afterStall = socket.receive(until: Date().addingTimeInterval(2)).filter { $0.1.contains("WATCHDOG=1") }
        XCTAssertEqual(afterStall.count, 0, "no watchdog pings from a stalled analysis")
    }
}
