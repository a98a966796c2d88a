import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindPerformance
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// The performer outputs of a real daemon: OSC to a real receiver on loopback, stage controls over
/// WebSocket and OSC, and the MIDI clock on a real jackd (dummy backend) read by jack_midi_dump.
final class PerformerOutputTests: XCTestCase {
    static let rate = 48_000.0

    /// Clicks at `bpm`, with a kick under each downbeat so the tracker can find the bar.
    static func clickTrack(bpm: Double, seconds: Double) -> Signal {
        var signal = Percussion.clicks(bpm: bpm, seconds: seconds, sampleRate: rate, beatsPerBar: 4)
        for downbeat in signal.downbeats {
            let start = Int(downbeat * rate)
            for i in 0..<Int(0.15 * rate) where start + i < signal.samples.count {
                let t = Double(i) / rate
                signal.samples[start + i] += Float(0.6 * exp(-t / 0.05) * sin(2 * Double.pi * (60 + 40 * exp(-t / 0.02)) * t))
            }
        }
        return signal
    }

    static func write(_ signal: Signal, _ name: String, in scratch: ScratchDirectory) throws -> String {
        let path = scratch.file(name)
        try AudioFileWriter.write(signal.samples, sampleRate: Int(rate), channelCount: 1, to: path, encoding: .wavFloat)
        return path
    }

    static func serve(_ arguments: [String], in scratch: ScratchDirectory, environment: [String: String] = [:]) throws -> (ChildProcess, Int) {
        let daemon = try ChildProcess(SampleMindBinary.url.path, ["serve", "--realtime-priority", "0", "--no-storage", "--port", "0"] + arguments,
                                      environment: environment, label: "daemon-\(UUID().uuidString.prefix(6))", in: scratch)
        guard daemon.waitFor("listening on http://", timeout: 15),
              let line = daemon.errors.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
              let port = Int(line.components(separatedBy: "http://127.0.0.1:").last?.split(separator: "/").first ?? "") else {
            daemon.stop(signal: SIGKILL)
            throw NSError(domain: "PerformerOutputTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "daemon did not start: \(daemon.errors)"])
        }
        return (daemon, port)
    }

    func testABeatMessageArrivesForEachClickWithItsTimeAndBarPosition() throws {
        let scratch = try ScratchDirectory("osc-beats")
        defer { scratch.remove() }
        let track = Self.clickTrack(bpm: 120, seconds: 24)
        let path = try Self.write(track, "clicks.wav", in: scratch)
        let receiver = try OSCReceiver()
        defer { receiver.stop() }
        let (daemon, _) = try Self.serve(["--input", "file", "--file", path, "--osc", "127.0.0.1:\(receiver.port)"], in: scratch)
        defer { daemon.stop() }
        let beats = receiver.waitFor("/samplemind/beat", count: 46, timeout: 30)
        // After lock-in (8 s), exactly one message per click, at the click's time, with its place in the bar.
        let clicks = track.beats.filter { (8.0...22.0).contains($0) }
        var lateness: [Double] = []
        for (n, click) in clicks.enumerated() {
            let matching = beats.filter { abs((($0.arguments[5]).double ?? 0) - click) < 0.03 }
            XCTAssertEqual(matching.count, 1, "click at \(click) s: \(matching.count) beat messages")
            guard let beat = matching.first else { continue }
            let downbeat = track.downbeats.contains { abs($0 - click) < 0.001 }
            XCTAssertEqual(beat.arguments[1].integer == 1, downbeat, "click \(n) at \(click) s has bar position \(beat.arguments[1])")
            XCTAssertEqual(beat.arguments[2].integer, 4, "beats per bar")
            XCTAssertEqual(Double(beat.arguments[3].float ?? 0), 120, accuracy: 2.4)
            lateness.append(beat.arrival - (beat.arguments[4].double ?? 0))
        }
        let inWindow = beats.filter { (8.0 - 0.03...22.0 + 0.03).contains($0.arguments[5].double ?? 0) }
        XCTAssertEqual(inWindow.count, clicks.count, "no extra beat messages")
        let indices = inWindow.compactMap { $0.arguments[0].integer }
        XCTAssertEqual(indices, Array((indices.first ?? 0)..<((indices.first ?? 0) + indices.count)), "indices count up by one")
        lateness.sort()
        let p95 = lateness.isEmpty ? 1 : lateness[Int(0.95 * Double(lateness.count - 1))]
        print("osc: beat arrival minus beat time, p50 \(lateness.isEmpty ? 0 : lateness[lateness.count / 2] * 1000) ms, p95 \(p95 * 1000) ms")
        XCTAssertLessThan(p95, 0.030, "with no lead, beats arrive at most a few milliseconds after they happen (3× margin)")
        XCTAssertFalse(receiver.messages("/samplemind/level").isEmpty, "levels are sent too")
        XCTAssertFalse(receiver.messages("/samplemind/tempo").isEmpty)
    }

    func testStageControlsOverWebSocketAndOSCAreAcknowledgedOrRefusedClearly() throws {
        let scratch = try ScratchDirectory("stage-controls")
        defer { scratch.remove() }
        let path = try Self.write(Percussion.drumPattern(bpm: 120, seconds: 20, sampleRate: Self.rate), "drums.wav", in: scratch)
        let oscPort = try freeUDPPort()
        let (daemon, port) = try Self.serve(["--input", "file", "--file", path, "--loop", "--osc-listen-port", "\(oscPort)"], in: scratch)
        defer { daemon.stop() }
        XCTAssertTrue(daemon.waitFor("taking stage controls over OSC on udp://127.0.0.1:\(oscPort)", timeout: 5), daemon.errors)

        let client = try WebSocketTestClient(port: port)
        XCTAssertEqual(client.handshakeStatus, 101)
        XCTAssertNotNil(client.next("hello"))
        client.sendText(#"{"type":"subscribe","features":["tracking"],"max_fps":20}"#)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, (client.next("frame")?["tempo_bpm"] as? Double ?? 0) <= 0 {}

        func control(_ json: String) -> [String: Any]? {
            client.sendText(json)
            let until = Date().addingTimeInterval(5)
            while Date() < until {
                guard let message = client.receiveJSON(count: 1, timeout: 5).first else { return nil }
                if ["control_ack", "error"].contains(message["type"] as? String) { return message }
            }
            return nil
        }
        let meter = control(#"{"type":"control","command":"meter","value":3}"#)
        XCTAssertEqual(meter?["type"] as? String, "control_ack")
        XCTAssertEqual(meter?["value"] as? Int, 3)
        let lock = control(#"{"type":"control","command":"lock"}"#)
        XCTAssertEqual(lock?["command"] as? String, "lock")
        var locked: [String: Any]?
        for _ in 0..<40 {
            locked = client.next("frame")
            if locked?["tempo_locked"] as? Bool == true, locked?["beats_per_bar"] as? Int == 3 { break }
        }
        XCTAssertEqual(locked?["tempo_locked"] as? Bool, true, "frames say the tempo is locked")
        XCTAssertEqual(locked?["beats_per_bar"] as? Int, 3, "and that the meter is 3")
        XCTAssertEqual(control(#"{"type":"control","command":"meter","value":0}"#)?["code"] as? String, "out_of_range")
        XCTAssertEqual(control(#"{"type":"control","command":"dance"}"#)?["code"] as? String, "unknown_command")
        XCTAssertEqual(control(#"{"type":"control"}"#)?["code"] as? String, "bad_message")
        XCTAssertEqual(control(#"{"type":"control","command":"tap","value":"now"}"#)?["code"] as? String, "bad_field")

        let osc = try OSCReceiver()
        defer { osc.stop() }
        try osc.send(OSCPacket.message("/samplemind/unlock", []), toPort: oscPort)
        XCTAssertEqual(osc.waitFor("/samplemind/ack", timeout: 5).first?.arguments, [.string("unlock")])
        try osc.send(OSCPacket.message("/samplemind/meter", [.int(2)]), toPort: oscPort)
        XCTAssertEqual(osc.waitFor("/samplemind/ack", count: 2, timeout: 5).last?.arguments, [.string("meter"), .int(2)])
        try osc.send(OSCPacket.message("/samplemind/meter", [.string("three")]), toPort: oscPort)
        try osc.send(OSCPacket.message("/samplemind/jump", []), toPort: oscPort)
        try osc.send(Array("not osc at all".utf8), toPort: oscPort)
        try osc.send(OSCPacket.message("/samplemind/tap", [.string(String(repeating: "x", count: 2_000))]), toPort: oscPort)
        let errors = osc.waitFor("/samplemind/error", count: 4, timeout: 5).map { $0.arguments.last }
        XCTAssertEqual(errors.count, 4, "each bad message is answered: \(errors)")
        XCTAssertTrue(errors.contains(.string("the argument must be a number")), "\(errors)")
        XCTAssertTrue(errors.contains { if case .string(let text) = $0 { return text.contains("unknown control \"jump\"") } else { return false } }, "\(errors)")
        XCTAssertTrue(errors.contains(.string("not an OSC message (bundles are not taken here)")), "\(errors)")
        XCTAssertTrue(errors.contains(.string("message longer than 1024 bytes")), "\(errors)")
        var unlocked: [String: Any]?
        for _ in 0..<40 {
            unlocked = client.next("frame")
            if unlocked?["tempo_locked"] as? Bool == false, unlocked?["beats_per_bar"] as? Int == 2 { break }
        }
        XCTAssertEqual(unlocked?["tempo_locked"] as? Bool, false, "OSC controls reach the same analysis")
        XCTAssertEqual(unlocked?["beats_per_bar"] as? Int, 2)
        XCTAssertTrue(try httpGet(port: port, path: "/metrics").body.contains("samplemind_osc_controls_refused_total 4"))
    }

    func testBadOSCTargetsAreConfigurationErrors() throws {
        for (target, expected) in [("no-such-host.invalid:9000", "cannot find OSC target host \"no-such-host.invalid\""),
                                   ("127.0.0.1:70000", "the port must be a number from 1 to 65535"),
                                   ("127.0.0.1", "needs a port")] {
            let outcome = try SampleMindBinary.run(["serve", "--input", "file", "--file", "/nonexistent.wav", "--no-storage", "--osc", target])
            XCTAssertEqual(outcome.status, 78, target)
            XCTAssertTrue(outcome.standardError.contains(expected), "\(target): \(outcome.standardError)")
        }
    }

    func testATargetThatDoesNotListenCostsNothingButItsOwnMessages() throws {
        let scratch = try ScratchDirectory("osc-absent")
        defer { scratch.remove() }
        let path = try Self.write(Percussion.drumPattern(bpm: 120, seconds: 12, sampleRate: Self.rate), "drums.wav", in: scratch)
        let receiver = try OSCReceiver()
        defer { receiver.stop() }
        let absent = try freeUDPPort()
        let (daemon, port) = try Self.serve(["--input", "file", "--file", path, "--osc", "127.0.0.1:\(absent)",
                                             "--osc", "127.0.0.1:\(receiver.port)"], in: scratch)
        defer { daemon.stop() }
        XCTAssertGreaterThan(receiver.waitFor("/samplemind/beat", count: 12, timeout: 15).count, 11, "the listening target gets its beats")
        let metrics = try httpGet(port: port, path: "/metrics").body
        func value(_ prefix: String) -> Double {
            metrics.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? -1
        }
        XCTAssertGreaterThan(value("samplemind_osc_send_failures_total{target=\"127.0.0.1:\(absent)\"}"), 0, "failed sends are counted: \(metrics)")
        XCTAssertEqual(value("samplemind_osc_send_failures_total{target=\"127.0.0.1:\(receiver.port)\"}"), 0)
        XCTAssertGreaterThan(value("samplemind_osc_messages_sent_total{target=\"127.0.0.1:\(receiver.port)\"}"), 50)
        XCTAssertEqual(value("samplemind_ring_overruns_total"), 0, "the analysis kept up")
    }

    func testTheMIDIClockFollowsASteadyTempoAndATempoStep() throws {
        guard JACKServer.isInstalled, FileManager.default.isExecutableFile(atPath: "/usr/bin/jack_midi_dump") else {
            throw XCTSkip("jackd2 is not installed (scripts/install-dependencies installs it)")
        }
        let scratch = try ScratchDirectory("midi-clock")
        defer { scratch.remove() }
        let song = Percussion.drumPattern(bpm: 120, seconds: 20, sampleRate: Self.rate)
            .followed(by: Percussion.drumPattern(bpm: 132, seconds: 20, sampleRate: Self.rate))
        let path = try Self.write(song, "step.wav", in: scratch)
        let jack = try JACKServer(in: scratch)
        defer { jack.stop() }
        let (daemon, _) = try Self.serve(["--input", "jack", "--channels", "1", "--midi-clock"], in: scratch, environment: jack.environment)
        defer { daemon.stop() }
        XCTAssertTrue(daemon.waitFor("connected to JACK", timeout: 10), daemon.errors)
        let dumpStarted = Date()
        let dump = try ChildProcess("/usr/bin/stdbuf", ["-oL", "/usr/bin/jack_midi_dump", "-a"], environment: jack.environment,
                                    label: "midi-dump", in: scratch)
        defer { dump.stop() }
        var connected = false
        for _ in 0..<50 where !connected {
            usleep(100_000)
            let connect = try ChildProcess("/usr/bin/jack_connect", ["samplemind:midi_clock", "midi-monitor:input"],
                                           environment: jack.environment, label: "connect-\(UUID().uuidString.prefix(4))", in: scratch)
            connected = connect.waitForExit(timeout: 5) && connect.process.terminationStatus == 0
        }
        XCTAssertTrue(connected, "jack_connect samplemind:midi_clock midi-monitor:input")
        let playStarted = Date().timeIntervalSince(dumpStarted)
        let player = try jack.play(path, into: "samplemind:in_1")
        defer { player.stop() }
        Thread.sleep(forTimeInterval: 41)
        dump.stop()

        let lines = dump.output.split(separator: "\n")
        let pulses = lines.filter { $0.hasSuffix(": f8") }.compactMap { Int($0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) ?? "") }
        XCTAssertTrue(lines.contains { $0.hasSuffix(": fa") }, "the clock was started")
        XCTAssertTrue(lines.contains { $0.hasSuffix(": f2 00 00") }, "from song position 0")
        /// The clock's tempo over a window of seconds after the player started, from the pulses in it.
        func tempo(from start: Double, to end: Double) -> Double {
            let first = Int((playStarted + start) * Self.rate), last = Int((playStarted + end) * Self.rate)
            let window = pulses.filter { (first..<last).contains($0) }
            guard window.count > 48, let a = window.first, let b = window.last else { return 0 }
            return 60 * Self.rate * Double(window.count - 1) / (24 * Double(b - a))
        }
        let steady = tempo(from: 8, to: 19)
        let after = tempo(from: 30, to: 39)
        print("midi clock: \(String(format: "%.2f", steady)) BPM on the 120 BPM loop, \(String(format: "%.2f", after)) BPM after the step to 132")
        XCTAssertEqual(steady, 120, accuracy: 0.6, "within 0.5 % of the steady tempo")
        XCTAssertEqual(after, 132, accuracy: 0.66, "follows the tempo step to within 0.5 %")
        XCTAssertFalse(lines.contains { $0.hasSuffix(": fc") }, "the clock never stopped: \(lines.filter { !$0.hasSuffix(": f8") })")
    }
}

extension OSCArgument {
    var integer: Int? { if case .int(let value) = self { return Int(value) } else { return nil } }
    var float: Float? { if case .float(let value) = self { return value } else { return nil } }
    var double: Double? { if case .double(let value) = self { return value } else { return nil } }
}
