import Foundation
import Glibc
import SampleMindPerformance
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// WLED Audio Sync from a real daemon playing a click track: unicast to a receiver on loopback,
/// and the multicast default only inside two network namespaces the test makes.
final class AudioSyncTests: XCTestCase {
    typealias Fixtures = PerformerOutputTests

    func testAudioSync_sendsFiftyPacketsASecondWithMovingBandsAndAPeakOnEachBeat() throws {
        let scratch = try ScratchDirectory("wled-unicast")
        defer { scratch.remove() }
        let track = Fixtures.clickTrack(bpm: 120, seconds: 24)
        let path = try Fixtures.write(track, "clicks.wav", in: scratch)
        let receiver = try AudioSyncReceiver()
        defer { receiver.stop() }
        let osc = try OSCReceiver()
        defer { osc.stop() }
        let (daemon, port) = try Fixtures.serve(["--input", "file", "--file", path, "--osc", "127.0.0.1:\(osc.port)",
                                                 "--wled", "--wled-target", "127.0.0.1:\(receiver.port)"], in: scratch)
        defer { daemon.stop() }
        // OSC's beat messages tell which Unix time each click was played at.
        let beats = osc.waitFor("/samplemind/beat", count: 46, timeout: 30)
        let packets = receiver.packets
        XCTAssertEqual(receiver.refused, 0, "every datagram is a v2 packet WLED takes")

        // Rate: about 50 a second over the middle of the track, and steady.
        let first = packets.first?.arrival ?? 0
        let middle = packets.filter { (first + 4...first + 14).contains($0.arrival) }
        let rate = Double(middle.count) / 10
        var gaps = zip(middle.dropFirst(), middle).map { $0.arrival - $1.arrival }.sorted()
        if gaps.isEmpty { gaps = [1] }
        print("wled: \(rate) packets/s, gap p50 \(gaps[gaps.count / 2] * 1000) ms, p95 \(gaps[Int(0.95 * Double(gaps.count - 1))] * 1000) ms")
        XCTAssertEqual(rate, 50, accuracy: 4, "about 50 packets a second (a beat's packet may come between two)")
        XCTAssertLessThan(gaps[Int(0.95 * Double(gaps.count - 1))], 0.030, "no long gaps")
        let counters = middle.map { Int($0.packet.frameCounter) }
        XCTAssertTrue(zip(counters.dropFirst(), counters).allSatisfy { ($0 - $1 + 256) % 256 == 1 }, "the frame counter counts packets")

        // Bands move with the music: each click lights the upper channels, silence between clicks darkens them.
        for channel in [4, 8, 12] {
            let values = middle.map { Int($0.packet.bands[channel]) }
            XCTAssertGreaterThan((values.max() ?? 0) - (values.min() ?? 0), 60, "channel \(channel) moves with the clicks: \(values.prefix(40))")
        }
        // The kick under each downbeat lights the lowest channel more than the clicks do.
        let downbeatWalls = beats.filter { $0.arguments[1].integer == 1 }.compactMap { $0.arguments[4].double }
        let otherWalls = beats.filter { $0.arguments[1].integer != 1 }.compactMap { $0.arguments[4].double }
        func lowest(after walls: [Double]) -> Double {
            let values = walls.map { wall in packets.filter { (wall...wall + 0.1).contains($0.arrival) }.map { Int($0.packet.bands[0]) }.max() ?? 0 }
            return Double(values.reduce(0, +)) / Double(max(values.count, 1))
        }
        print("wled: channel 0 after downbeats \(lowest(after: downbeatWalls)), after other beats \(lowest(after: otherWalls))")
        XCTAssertGreaterThan(lowest(after: downbeatWalls), lowest(after: otherWalls) + 20, "the kick drum shows in the bass channel")

        // Peaks: after lock-in (8 s), exactly one peak packet per click, arriving at the click's time.
        let clickWalls = beats.filter { (8.0...22.0).contains($0.arguments[5].double ?? 0) }.compactMap { $0.arguments[4].double }
        let peaks = packets.filter(\.packet.peak)
        var lateness: [Double] = []
        for wall in clickWalls {
            let matching = peaks.filter { abs($0.arrival - wall) < 0.04 }
            XCTAssertEqual(matching.count, 1, "click at Unix \(wall): \(matching.count) peak packets")
            if let peak = matching.first { lateness.append(peak.arrival - wall) }
        }
        let window = (clickWalls.first ?? 0) - 0.2...(clickWalls.last ?? 0) + 0.2
        XCTAssertEqual(peaks.filter { window.contains($0.arrival) }.count, clickWalls.count, "no peaks between beats")
        lateness.sort()
        if !lateness.isEmpty {
            print("wled: peak arrival minus beat time, p50 \(lateness[lateness.count / 2] * 1000) ms, max \((lateness.last ?? 0) * 1000) ms")
        }
        XCTAssertGreaterThanOrEqual(clickWalls.count, 26)

        // The counters say the same.
        let metrics = try httpGet(port: port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("samplemind_wled_packets_sent_total{target=\"127.0.0.1:\(receiver.port)\"}"), metrics)
        XCTAssertTrue(metrics.contains("samplemind_wled_send_failures_total{target=\"127.0.0.1:\(receiver.port)\"} 0"), metrics)
        let status = try httpGet(port: port, path: "/v1/status").body
        XCTAssertTrue(status.contains("\"wled\":{\"packets_sent\":"), status)
    }

    func testAudioSync_whenOffByDefault_opensNoUDPSocketAndReportsNothing() throws {
        let scratch = try ScratchDirectory("wled-off")
        defer { scratch.remove() }
        let path = try Fixtures.write(Fixtures.clickTrack(bpm: 120, seconds: 4), "clicks.wav", in: scratch)
        // In a namespace of its own, so that if Audio Sync were on by mistake its multicast
        // would not leave on the host's interfaces.
        let namespaces = try NetworkNamespacePair(label: "wledoff", subnet: 64)
        defer { namespaces.remove() }
        let (tool, arguments) = namespaces.exec(in: namespaces.first, [
            SampleMindBinary.url.path, "serve", "--realtime-priority", "0", "--no-storage", "--port", "0", "--input", "file", "--file", path, "--loop",
        ])
        let daemon = try ChildProcess(tool, arguments, label: "daemon", in: scratch)
        defer { daemon.stop() }
        do { try namespaces.verify(pid: daemon.pid, isIn: namespaces.first, running: SampleMindBinary.url.path) } catch {
            daemon.stop(signal: SIGKILL)
            throw error
        }
        XCTAssertTrue(daemon.waitFor("listening on http://", timeout: 15), daemon.errors)
        usleep(1_000_000)
        XCTAssertEqual(try ProcessSockets.udpCount(of: daemon.pid), 0, "no UDP socket while Audio Sync (and Link) are off")
        XCTAssertFalse(daemon.errors.contains("WLED"), daemon.errors)

        // The same check sees the socket when Audio Sync is on, so it can fail.
        let receiver = try AudioSyncReceiver()
        defer { receiver.stop() }
        let (sending, port) = try Fixtures.serve(["--input", "file", "--file", path, "--loop", "--wled",
                                                  "--wled-target", "127.0.0.1:\(receiver.port)"], in: scratch)
        defer { sending.stop() }
        XCTAssertFalse(receiver.waitFor(count: 10, timeout: 10).isEmpty)
        XCTAssertEqual(try ProcessSockets.udpCount(of: sending.pid), 1)
        XCTAssertTrue(try httpGet(port: port, path: "/metrics").body.contains("samplemind_wled_packets_sent_total"))
    }

    func testAudioSync_byDefaultSendsToWLEDsMulticastGroupAndSurvivesItsInterfaceGoingAway() throws {
        let scratch = try ScratchDirectory("wled-multicast")
        defer { scratch.remove() }
        let namespaces = try NetworkNamespacePair(label: "wled", subnet: 61)
        defer { namespaces.remove() }
        let path = try Fixtures.write(Fixtures.clickTrack(bpm: 120, seconds: 8), "clicks.wav", in: scratch)
        let listen = scratch.file("listen.py")
        try Self.multicastListener(interface: namespaces.secondAddress).write(toFile: listen, atomically: true, encoding: .utf8)
        var listener = try Self.startListener(listen, in: namespaces, scratch: scratch, label: "listener")
        defer { listener.stop() }

        let (daemonTool, daemonArguments) = namespaces.exec(in: namespaces.first, [
            SampleMindBinary.url.path, "serve", "--realtime-priority", "0", "--no-storage", "--port", "0",
            "--input", "file", "--file", path, "--loop", "--wled",
        ])
        let daemon = try ChildProcess(daemonTool, daemonArguments, label: "daemon", in: scratch)
        defer { daemon.stop() }
        do { try namespaces.verify(pid: daemon.pid, isIn: namespaces.first, running: SampleMindBinary.url.path) } catch {
            daemon.stop(signal: SIGKILL)
            throw error
        }
        XCTAssertTrue(daemon.waitFor("sending WLED Audio Sync to 239.0.0.1:11988", timeout: 15), daemon.errors)
        let packets = Self.received(by: listener, from: namespaces.firstAddress, atLeast: 100, timeout: 10)
        XCTAssertGreaterThanOrEqual(packets.count, 100, "packets reach the group from the other namespace: \(listener.errors)")
        XCTAssertTrue(packets.contains { $0.packet.bands[8] > 0 }, "the clicks show in the spectrum channels")

        // The network adapter vanishes: sends fail, are counted and logged once; the daemon runs on.
        try namespaces.unplug()
        XCTAssertTrue(daemon.waitFor("sending fails", timeout: 5), daemon.errors)
        usleep(500_000)
        XCTAssertTrue(daemon.isRunning)
        XCTAssertEqual(daemon.errors.components(separatedBy: "sending fails").count - 1, 1, "one log line for the outage, not one per packet")

        // It comes back: packets flow again without a restart.
        try namespaces.plug()
        XCTAssertTrue(daemon.waitFor("works again after", timeout: 5), daemon.errors)
        listener.stop()
        listener = try Self.startListener(listen, in: namespaces, scratch: scratch, label: "listener-again")
        XCTAssertGreaterThanOrEqual(Self.received(by: listener, from: namespaces.firstAddress, atLeast: 50, timeout: 5).count, 50,
                                    "packets reach the group again once the adapter is back")
    }

    /// The Python listener, inside the second namespace (checked before it is trusted).
    static func startListener(_ script: String, in namespaces: NetworkNamespacePair, scratch: ScratchDirectory, label: String) throws -> ChildProcess {
        let (tool, arguments) = namespaces.exec(in: namespaces.second, ["/usr/bin/python3", "-u", script])
        let listener = try ChildProcess(tool, arguments, label: label, in: scratch)
        do { try namespaces.verify(pid: listener.pid, isIn: namespaces.second, running: "/usr/bin/python3") } catch {
            listener.stop(signal: SIGKILL)
            throw error
        }
        guard listener.waitFor("ready", inOutput: true, timeout: 10) else {
            listener.stop(signal: SIGKILL)
            throw NetworkNamespaceError("the multicast listener did not start: \(listener.errors)")
        }
        return listener
    }

    /// The packets `listener` printed that came from `sender`, once there are `atLeast` (or the timeout passes).
    static func received(by listener: ChildProcess, from sender: String, atLeast count: Int, timeout: Double) -> [(arrival: Double, packet: AudioSyncPacket)] {
        func parse() -> [(arrival: Double, packet: AudioSyncPacket)] {
            listener.output.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: " ")
                guard fields.count == 3, let arrival = Double(fields[0]), fields[1] == sender else { return nil }
                var bytes: [UInt8] = []
                var hex = Substring(fields[2])
                while hex.count >= 2, let byte = UInt8(hex.prefix(2), radix: 16) {
                    bytes.append(byte)
                    hex = hex.dropFirst(2)
                }
                return AudioSyncPacket(decoding: bytes).map { (arrival, $0) }
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while parse().count < count, Date() < deadline { usleep(50_000) }
        return parse()
    }

    /// A listener that joins WLED's group on `interface` and prints "arrival sender hex" per packet.
    static func multicastListener(interface: String) -> String {
        """
        import socket, time
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("239.0.0.1", 11988))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton("239.0.0.1") + socket.inet_aton("\(interface)"))
        print("ready", flush=True)
        while True:
            data, sender = s.recvfrom(2048)
            print("%.6f %s %s" % (time.time(), sender[0], data.hex()), flush=True)
        """
    }
}
