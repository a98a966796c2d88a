import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// The daemon as an Ableton Link peer, against an independent peer (samplemind-link-peer, on
/// Ableton's library). Link discovers peers by multicast, so each side runs in a network
/// namespace of its own that the test makes; nothing is sent on the host's interfaces.
final class LinkSessionTests: XCTestCase {
    static let rate = 48_000.0
    /// The loop's beats fall at 0.25 + k · 0.5 s; 16 s is a whole number of bars, so looping keeps them there.
    static let firstBeat = 0.25

    struct PeerLine { var unix: Double; var peers: Int; var tempo: Double; var beat: Double }

    var peerURL: String { SampleMindBinary.url.deletingLastPathComponent().appendingPathComponent("samplemind-link-peer").path }

    func testLeadMode_givesThePeerTheMusicsTempoAndABeatGridOnItsBeats() throws {
        let scratch = try ScratchDirectory("link-lead")
        defer { scratch.remove() }
        let namespaces = try NetworkNamespacePair(label: "lead", subnet: 62)
        defer { namespaces.remove() }
        let path = try writeDrumLoop(in: scratch)
        let peer = try start(peerURL, ["--seconds", "60"], in: namespaces.second, of: namespaces, label: "peer", scratch: scratch)
        defer { peer.stop() }
        let daemon = try start(SampleMindBinary.url.path, Self.serveArguments(path) + ["--link"], in: namespaces.first, of: namespaces,
                               label: "daemon", scratch: scratch)
        defer { daemon.stop() }
        XCTAssertTrue(daemon.waitFor("Ableton Link: leading the session at", timeout: 25), daemon.errors)
        usleep(12_000_000)

        let streamToWall = try XCTUnwrap(Self.streamToWall(daemon.output), "the daemon printed no events")
        let lines = Self.peerLines(peer.output)
        let now = Date().timeIntervalSince1970
        let recent = lines.filter { $0.unix > now - 8 }
        XCTAssertGreaterThan(recent.count, 100, "the peer reports twenty times a second")
        XCTAssertTrue(recent.allSatisfy { $0.peers >= 1 }, "the peer sees the daemon")
        let tempos = recent.map(\.tempo).sorted()
        let tempo = tempos.isEmpty ? 0 : tempos[tempos.count / 2]
        // Grid error: the peer's beat minus the true beat count at the same moment, in ms.
        var errors: [Double] = []
        var barOffsets: [Double] = []
        for line in recent {
            let trueBeat = (line.unix - streamToWall - Self.firstBeat) / 0.5
            let difference = line.beat - trueBeat
            errors.append((difference - difference.rounded()) * 500)
            barOffsets.append(difference.rounded() - 4 * (difference / 4).rounded())
        }
        let sorted = errors.map(abs).sorted()
        let p50 = sorted.isEmpty ? 1_000 : sorted[sorted.count / 2]
        let p95 = sorted.isEmpty ? 1_000 : sorted[Int(0.95 * Double(sorted.count - 1))]
        print("link lead: peer tempo \(tempo) BPM, grid error |p50| \(p50) ms, |p95| \(p95) ms, bar offsets \(Set(barOffsets)) beats")
        XCTAssertEqual(tempo, 120, accuracy: 1.5, "the session runs at the music's tempo")
        XCTAssertLessThan(p95, 60, "the session's beats fall within 60 ms of the music's")
        // Bar phase 0 on the loop's downbeats: the session's beat numbers, counted in bars of four,
        // start where the loop's bars start.
        let onTheBar = barOffsets.filter { $0 == 0 }.count
        XCTAssertGreaterThanOrEqual(Double(onTheBar), 0.9 * Double(barOffsets.count),
                                    "the session's bar lines fall on the loop's downbeats (offsets in beats: \(Set(barOffsets)))")
        XCTAssertTrue(daemon.isRunning)

        // The daemon reports the session: peers, tempo, offset and grid error (asked from inside its namespace).
        let port = try XCTUnwrap(daemon.errors.components(separatedBy: "listening on http://127.0.0.1:").last?.split(separator: "/").first)
        let status = try Self.run(namespaces.exec(in: namespaces.first, ["/usr/bin/curl", "-s", "http://127.0.0.1:\(port)/v1/status"]))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any], status)
        let link = try XCTUnwrap(object["link"] as? [String: Any], status)
        XCTAssertEqual(link["peers"] as? Int, 1)
        XCTAssertEqual(link["session_tempo_bpm"] as? Double ?? 0, 120, accuracy: 1.5)
        XCTAssertEqual(link["offset_ms"] as? Int, 0)
        XCTAssertLessThan(abs(link["grid_error_ms"] as? Double ?? 1_000), 60)
        let metrics = try Self.run(namespaces.exec(in: namespaces.first, ["/usr/bin/curl", "-s", "http://127.0.0.1:\(port)/metrics"]))
        XCTAssertTrue(metrics.contains("samplemind_link_peers 1"), metrics)
    }

    /// Runs a short command and returns its standard output.
    static func run(_ command: (String, [String])) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.0)
        process.arguments = command.1
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func testLeadMode_withAnOffset_putsTheSessionsBeatsThatMuchLater() throws {
        let scratch = try ScratchDirectory("link-offset")
        defer { scratch.remove() }
        let namespaces = try NetworkNamespacePair(label: "offset", subnet: 67)
        defer { namespaces.remove() }
        let path = try writeDrumLoop(in: scratch)
        let peer = try start(peerURL, ["--seconds", "60"], in: namespaces.second, of: namespaces, label: "peer", scratch: scratch)
        defer { peer.stop() }
        let daemon = try start(SampleMindBinary.url.path, Self.serveArguments(path) + ["--link", "--link-offset-ms", "100"],
                               in: namespaces.first, of: namespaces, label: "daemon", scratch: scratch)
        defer { daemon.stop() }
        XCTAssertTrue(daemon.waitFor("Ableton Link: leading the session at", timeout: 25), daemon.errors)
        usleep(12_000_000)
        let streamToWall = try XCTUnwrap(Self.streamToWall(daemon.output), "the daemon printed no events")
        let now = Date().timeIntervalSince1970
        // Signed: the session's beat time minus the music's (positive: the session is later).
        var lags = Self.peerLines(peer.output).filter { $0.unix > now - 8 }.map { line -> Double in
            let difference = line.beat - (line.unix - streamToWall - Self.firstBeat) / 0.5
            return -(difference - difference.rounded()) * 500
        }
        lags.sort()
        let median = lags.isEmpty ? 0 : lags[lags.count / 2]
        print("link offset 100 ms: the session's beats are \(median) ms after the music's")
        XCTAssertEqual(median, 100, accuracy: 30, "link.offset_ms = 100 puts the session's beats 100 ms after the detected ones")
    }

    func testLeadMode_afterATempoStep_theSessionFollowsWithoutEverJumping() throws {
        let scratch = try ScratchDirectory("link-step")
        defer { scratch.remove() }
        let namespaces = try NetworkNamespacePair(label: "step", subnet: 66)
        defer { namespaces.remove() }
        let track = Percussion.drumPattern(bpm: 120, seconds: 16, sampleRate: Self.rate, startSeconds: Self.firstBeat)
            .followed(by: Percussion.drumPattern(bpm: 140, seconds: 20, sampleRate: Self.rate, startSeconds: 0))
        let path = scratch.file("step.wav")
        try AudioFileWriter.write(track.samples, sampleRate: Int(Self.rate), channelCount: 1, to: path, encoding: .wavFloat)
        let peer = try start(peerURL, ["--seconds", "60"], in: namespaces.second, of: namespaces, label: "peer", scratch: scratch)
        defer { peer.stop() }
        let daemon = try start(SampleMindBinary.url.path, Self.serveArguments(path).filter { $0 != "--loop" } + ["--link"],
                               in: namespaces.first, of: namespaces, label: "daemon", scratch: scratch)
        defer { daemon.stop() }
        XCTAssertTrue(daemon.waitFor("Ableton Link: leading the session at", timeout: 25), daemon.errors)
        let placedAt = Date().timeIntervalSince1970
        XCTAssertTrue(daemon.waitFor("\"type\":\"session\"", inOutput: true, timeout: 5))
        usleep(30_000_000)

        let streamToWall = try XCTUnwrap(Self.streamToWall(daemon.output), "the daemon printed no beats")
        // From 4 s after the peers found each other: until then Link may still be merging their two
        // sessions into one timeline, which moves one of them once (Link's doing, not ours).
        let joined = max(placedAt, Self.peerLines(peer.output).first { $0.peers >= 1 }?.unix ?? .infinity)
        let lines = Self.peerLines(peer.output).filter { $0.unix > joined + 4 && $0.unix < streamToWall + track.durationSeconds }
        XCTAssertGreaterThan(lines.count, 300)
        // Never a jump: between two reports the beat advances as the tempo says (a 2 % nudge
        // moves it by under 0.002 beats in 50 ms).
        var largestJump = 0.0
        var jumpAt = 0.0
        for (a, b) in zip(lines, lines.dropFirst()) {
            let jump = abs(b.beat - a.beat - (b.unix - a.unix) * (a.tempo + b.tempo) / 120)
            if jump > largestJump { (largestJump, jumpAt) = (jump, a.unix - streamToWall) }
        }
        XCTAssertLessThan(largestJump, 0.02, "the session's beat grid never jumps")
        // Re-lock: from the step (16 s) until the session runs within 1 % of 140 BPM for good.
        let stepWall = streamToWall + 16
        let settled = lines.last { abs($0.tempo - 140) > 1.4 }.map(\.unix) ?? stepWall
        let relock = settled - stepWall
        // Grid error over the last 8 s: the session's nearest beat against the nearest true beat.
        let trueWalls = track.beats.map { $0 + streamToWall }
        var errors: [Double] = []
        for line in lines where line.unix > streamToWall + track.durationSeconds - 8 {
            let beatWall = line.unix + (line.beat.rounded() - line.beat) * 60 / line.tempo
            errors.append(trueWalls.map { abs($0 - beatWall) }.min() ?? 1)
        }
        errors.sort()
        let p95 = errors.isEmpty ? 1 : errors[Int(0.95 * Double(errors.count - 1))]
        print("link step 120→140: re-locked \(relock) s after the step, largest jump \(largestJump) beats at stream time \(jumpAt) s, "
              + "grid error afterwards p50 \(errors.isEmpty ? 1 : errors[errors.count / 2] * 1000) ms, p95 \(p95 * 1000) ms, "
              + "tempo \(lines.last?.tempo ?? 0)")
        XCTAssertLessThan(relock, 15, "the session takes the new tempo within 15 s (the tracker re-locks, then the session follows)")
        XCTAssertEqual(lines.last?.tempo ?? 0, 140, accuracy: 1.4)
        XCTAssertLessThan(p95, 0.060, "and its beats fall on the music's again")
    }

    func testLeadMode_whenTheMusicStops_theSessionKeepsTheLastTempo() throws {
        let scratch = try ScratchDirectory("link-silence")
        defer { scratch.remove() }
        let namespaces = try NetworkNamespacePair(label: "quiet", subnet: 69)
        defer { namespaces.remove() }
        let drums = Percussion.drumPattern(bpm: 120, seconds: 18, sampleRate: Self.rate, startSeconds: Self.firstBeat)
        let track = drums.followed(by: Signal(sampleRate: Self.rate, samples: [Float](repeating: 0, count: Int(10 * Self.rate))))
        let path = scratch.file("then-silence.wav")
        try AudioFileWriter.write(track.samples, sampleRate: Int(Self.rate), channelCount: 1, to: path, encoding: .wavFloat)
        let peer = try start(peerURL, ["--seconds", "60"], in: namespaces.second, of: namespaces, label: "peer", scratch: scratch)
        defer { peer.stop() }
        let daemon = try start(SampleMindBinary.url.path, Self.serveArguments(path).filter { $0 != "--loop" } + ["--link"],
                               in: namespaces.first, of: namespaces, label: "daemon", scratch: scratch)
        defer { daemon.stop() }
        XCTAssertTrue(daemon.waitFor("Ableton Link: leading the session at", timeout: 25), daemon.errors)
        // The grid is placed about 11 s in (the tracker sure of the tempo, then two bars of the same downbeat).
        usleep(18_000_000)
        let streamToWall = try XCTUnwrap(Self.streamToWall(daemon.output), "the daemon printed no beats")
        // Late in the silence (23–27 s): the tracker has no beat, the session runs on at 120.
        let quiet = Self.peerLines(peer.output).filter { $0.unix > streamToWall + 23 && $0.unix < streamToWall + 27 }
        XCTAssertGreaterThan(quiet.count, 30)
        XCTAssertTrue(quiet.allSatisfy { $0.peers >= 1 && abs($0.tempo - 120) < 1.5 }, "\(quiet.map(\.tempo).prefix(10))")
        let frames = daemon.output.split(separator: "\n").filter { $0.contains("\"type\":\"frame\"") && $0.contains("\"tempo_bpm\":0,") }
        XCTAssertFalse(frames.isEmpty, "the tracker did lose the beat in the silence")
    }

    func testFollowMode_theTrackerTakesTheTempoAnotherPeerSets() throws {
        let scratch = try ScratchDirectory("link-follow")
        defer { scratch.remove() }
        let namespaces = try NetworkNamespacePair(label: "follow", subnet: 63)
        defer { namespaces.remove() }
        let path = try writeDrumLoop(in: scratch)
        let peer = try start(peerURL, ["--seconds", "60", "--tempo", "100", "--tempo-after", "4"], in: namespaces.second, of: namespaces,
                             label: "peer", scratch: scratch)
        defer { peer.stop() }
        let daemon = try start(SampleMindBinary.url.path, Self.serveArguments(path) + ["--link", "--link-mode", "follow"],
                               in: namespaces.first, of: namespaces, label: "daemon", scratch: scratch)
        defer { daemon.stop() }
        XCTAssertTrue(daemon.waitFor("following the session's tempo, 100", timeout: 20), daemon.errors)
        usleep(3_000_000)
        // Frames printed after the tempo was taken carry it, though the music plays at 120.
        let frames = daemon.output.split(separator: "\n").filter { $0.contains("\"type\":\"frame\"") }.suffix(2)
        XCTAssertFalse(frames.isEmpty, daemon.output.suffix(500).description)
        for frame in frames {
            XCTAssertTrue(frame.contains("\"tempo_bpm\":100,") || frame.contains("\"tempo_bpm\":100}"), String(frame.prefix(300)))
        }
        let lines = Self.peerLines(peer.output).suffix(20)
        XCTAssertTrue(lines.allSatisfy { abs($0.tempo - 100) < 0.01 }, "the daemon proposes nothing in follow mode")
    }

    func testLink_whenOffByDefault_neverJoinsASession() throws {
        let scratch = try ScratchDirectory("link-off")
        defer { scratch.remove() }
        let namespaces = try NetworkNamespacePair(label: "off", subnet: 65)
        defer { namespaces.remove() }
        let path = try writeDrumLoop(in: scratch)
        let peer = try start(peerURL, ["--seconds", "30"], in: namespaces.second, of: namespaces, label: "peer", scratch: scratch)
        defer { peer.stop() }
        let daemon = try start(SampleMindBinary.url.path, Self.serveArguments(path), in: namespaces.first, of: namespaces,
                               label: "daemon", scratch: scratch)
        defer { daemon.stop() }
        XCTAssertTrue(daemon.waitFor("listening on http://", timeout: 15), daemon.errors)
        usleep(4_000_000)
        XCTAssertEqual(try ProcessSockets.udpCount(of: daemon.pid), 0, "Link opens no socket")
        XCTAssertFalse(daemon.errors.contains("Ableton Link"), daemon.errors)
        let lines = Self.peerLines(peer.output)
        XCTAssertGreaterThan(lines.count, 40)
        XCTAssertTrue(lines.allSatisfy { $0.peers == 0 }, "the peer never sees the daemon")

        // The same checks see Link when it is on, so they can fail.
        let on = try start(SampleMindBinary.url.path, Self.serveArguments(path) + ["--link"], in: namespaces.first, of: namespaces,
                           label: "daemon-on", scratch: scratch)
        defer { on.stop() }
        let deadline = Date().addingTimeInterval(10)
        while Self.peerLines(peer.output).last?.peers != 1, Date() < deadline { usleep(100_000) }
        XCTAssertEqual(Self.peerLines(peer.output).last?.peers, 1)
        XCTAssertGreaterThan(try ProcessSockets.udpCount(of: on.pid), 0)
    }

    // MARK: - Helpers

    static func serveArguments(_ path: String) -> [String] {
        ["serve", "--realtime-priority", "0", "--no-storage", "--port", "0", "--input", "file", "--file", path, "--loop", "--print"]
    }

    /// Drums with a chord on every bar (bass note included), so the bar can be heard: kicks fall on
    /// beats 1 and 3 alike, and only the chord changes say which of them starts the bar.
    func writeDrumLoop(in scratch: ScratchDirectory) throws -> String {
        let drums = Percussion.drumPattern(bpm: 120, seconds: 16, sampleRate: Self.rate, startSeconds: Self.firstBeat)
        let chords = Signal(sampleRate: Self.rate, samples: [Float](repeating: 0, count: Int(Self.firstBeat * Self.rate)))
            .followed(by: Harmony.progression(tonic: 9, minor: false, seconds: 16 - Self.firstBeat, sampleRate: Self.rate, chordSeconds: 2))
        let loop = drums.mixed(with: chords)
        let path = scratch.file("drums.wav")
        try AudioFileWriter.write(loop.samples, sampleRate: Int(Self.rate), channelCount: 1, to: path, encoding: .wavFloat)
        return path
    }

    /// Starts `executable` in `namespace` and checks, before anything else, that it runs there.
    func start(_ executable: String, _ arguments: [String], in namespace: String, of namespaces: NetworkNamespacePair,
               label: String, scratch: ScratchDirectory) throws -> ChildProcess {
        let (tool, all) = namespaces.exec(in: namespace, [executable] + arguments)
        let child = try ChildProcess(tool, all, label: label, in: scratch)
        do { try namespaces.verify(pid: child.pid, isIn: namespace, running: executable) } catch {
            child.stop(signal: SIGKILL)
            throw error
        }
        return child
    }

    /// Unix time minus stream time, from the events the daemon printed (median).
    static func streamToWall(_ output: String) -> Double? {
        var offsets: [Double] = []
        for line in output.split(separator: "\n") where line.contains("\"type\":\"beat\"") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let t = object["t"] as? Double, let wall = object["wall_clock"] as? Double else { continue }
            offsets.append(wall - t)
        }
        offsets.sort()
        return offsets.isEmpty ? nil : offsets[offsets.count / 2]
    }

    static func peerLines(_ output: String) -> [PeerLine] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 5, let unix = Double(fields[0]), let peers = Int(fields[2]), let tempo = Double(fields[3]),
                  let beat = Double(fields[4]) else { return nil }
            return PeerLine(unix: unix, peers: peers, tempo: tempo, beat: beat)
        }
    }
}
