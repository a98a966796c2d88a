import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindNetworkNamespace
import SampleMindSynthesis

/// Ableton Link in lead mode against an independent peer (samplemind-link-peer), each in a
/// network namespace of its own joined by a veth pair, so that Link's multicast never leaves on
/// the host's interfaces. The peer reports its session's tempo and beat twenty times a second.
///
/// 1. The performer benchmark's generated songs (drums and chords at 96, 124 and 150 BPM) at
///    `link.offset_ms` 0 and 20: from 12 s in (or 2 s after the grid was placed) to the end, the
///    session's nearest beat against the true beat plus the offset, the tempo error, and how often
///    the session's bar position (its beat number in bars of four) is the music's.
/// 2. Drums with a chord on every bar at 120 BPM, then at 140 BPM: the time from the step until
///    the session stays within 1 % of 140 BPM, the grid error and bar position over the last 8 s
///    of each half, and the largest move of the grid between two reports (a jump).
enum LinkBenchmark {
    struct Line { var unix: Double; var peers: Int; var tempo: Double; var beat: Double }

    static func run(seconds: Double) {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let binary = folder.appendingPathComponent("samplemind").path
        let peerBinary = folder.appendingPathComponent("samplemind-link-peer").path
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-link-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        print("Ableton Link, lead mode (an independent peer in another network namespace)")
        let namespaces: NetworkNamespacePair
        do { namespaces = try NetworkNamespacePair(label: "bench", subnet: 68) } catch { return print("  \(error)") }
        defer { namespaces.remove() }
        let session = Session(binary: binary, peerBinary: peerBinary, namespaces: namespaces, scratch: scratch)
        songs(seconds: seconds, session)
        step(seconds: seconds / 2, session)
    }

    /// Runs the daemon over one file with Link on, the peer beside it, for the file's length plus 2 s.
    struct Session {
        let binary: String, peerBinary: String, namespaces: NetworkNamespacePair, scratch: String

        /// The stream's wall-clock origin, the peer's reports, and when the daemon placed the grid
        /// (its log line, watched every 100 ms).
        func play(_ signal: Signal, named name: String, offsetMs: Int) -> (streamToWall: Double, lines: [Line], placedAt: Double?)? {
            let path = "\(scratch)/\(name).wav"
            guard (try? AudioFileWriter.write(signal.samples, sampleRate: Int(signal.sampleRate), channelCount: 1, to: path,
                                              encoding: .wavFloat)) != nil else { return nil }
            guard let peer = start(peerBinary, ["--seconds", "\(Int(signal.durationSeconds + 20))"], in: namespaces.second, namespaces,
                                   "\(scratch)/peer"),
                  let daemon = start(binary, ["serve", "--realtime-priority", "0", "--no-storage", "--port", "0", "--input", "file",
                                              "--file", path, "--print", "--link", "--link-offset-ms", "\(offsetMs)"],
                                     in: namespaces.first, namespaces, "\(scratch)/daemon") else {
                print("  the peer or the daemon did not start in its namespace")
                return nil
            }
            let end = Date().addingTimeInterval(signal.durationSeconds + 2)
            var placedAt: Double?
            while Date() < end {
                Thread.sleep(forTimeInterval: 0.1)
                if placedAt == nil, let log = try? String(contentsOfFile: "\(scratch)/daemon.err", encoding: .utf8),
                   log.contains("Ableton Link: leading the session at") {
                    placedAt = Date().timeIntervalSince1970
                }
            }
            daemon.interrupt()
            peer.interrupt()
            daemon.waitUntilExit()
            peer.waitUntilExit()
            let printed = (try? String(contentsOfFile: "\(scratch)/daemon.out", encoding: .utf8)) ?? ""
            guard let streamToWall = streamToWall(printed) else {
                print("  \(name): the daemon printed no beats")
                return nil
            }
            return (streamToWall, peerLines((try? String(contentsOfFile: "\(scratch)/peer.out", encoding: .utf8)) ?? ""), placedAt)
        }
    }

    /// The peer's reports between `from` and `to` (wall clock) against the song's truth.
    struct Measure {
        /// Session beat − (true beat + offset), seconds; tempo error, % of the true tempo.
        var errors: [Double] = [], tempoErrors: [Double] = []
        /// How many reports had the session's bar position 0, 1, 2, 3 beats after the music's.
        var barOffsets = [0, 0, 0, 0]

        mutating func add(_ lines: [Line], song: Signal, streamToWall: Double, from: Double, to: Double, offsetMs: Int, bpm: (Double) -> Double) {
            let shift = 0.001 * Double(offsetMs)
            let trueWalls = song.beats.map { $0 + streamToWall + shift }
            let downbeats = Set(song.downbeats.map { Int(($0 * 1000).rounded()) })
            let isDownbeat = song.beats.map { downbeats.contains(Int(($0 * 1000).rounded())) }
            for line in lines where line.unix > from && line.unix < to {
                let sessionBeat = line.beat.rounded()
                let beatWall = line.unix + (sessionBeat - line.beat) * 60 / line.tempo
                guard let nearest = trueWalls.indices.min(by: { abs(trueWalls[$0] - beatWall) < abs(trueWalls[$1] - beatWall) }) else { continue }
                errors.append(beatWall - trueWalls[nearest])
                let truth = bpm(trueWalls[nearest] - streamToWall)
                tempoErrors.append(abs(line.tempo - truth) / truth * 100)
                // The music's bar position: beats since its last downbeat.
                guard let downbeat = isDownbeat[...nearest].lastIndex(of: true) else { continue }
                let sessionPosition = ((Int(sessionBeat) % 4) + 4) % 4
                barOffsets[((sessionPosition - (nearest - downbeat)) % 4 + 4) % 4] += 1
            }
        }

        var summary: String {
            guard !errors.isEmpty else { return "no reports" }
            let sorted = errors.sorted(), absolute = errors.map(abs).sorted(), tempo = tempoErrors.sorted()
            let total = Double(barOffsets.reduce(0, +))
            let bars = barOffsets.map { String(format: "%.0f", 100 * Double($0) / max(total, 1)) }.joined(separator: "/")
            return String(format: "grid (session beat − true beat − offset) p50 %+.1f ms, |p95| %.1f ms; tempo error p50 %.2f %%, max %.2f %%; "
                          + "bar position 0/1/2/3 beats after the music's: %@ %% of reports",
                          sorted[sorted.count / 2] * 1000, absolute[Int(0.95 * Double(absolute.count - 1))] * 1000,
                          tempo[tempo.count / 2], tempo.last ?? 0, bars)
        }
    }

    static func songs(seconds: Double, _ session: Session) {
        print("  The performer benchmark's songs (drums and chords changing every second, \(OSCTimingBenchmark.tempi.map { "\(Int($0))" }.joined(separator: ", ")) BPM, "
              + "\(Int(seconds)) s each), from 12 s in or 2 s after the grid was placed:")
        for offset in [0, 20] {
            var measure = Measure()
            var placed: [String] = []
            for bpm in OSCTimingBenchmark.tempi {
                let song = Percussion.drumPattern(bpm: bpm, seconds: seconds, sampleRate: 48_000)
                    .mixed(with: Harmony.progression(tonic: 5, minor: false, seconds: seconds, sampleRate: 48_000))
                guard let (streamToWall, lines, placedAt) = session.play(song, named: "song-\(Int(bpm))", offsetMs: offset) else { continue }
                guard let placedAt else {
                    placed.append("\(Int(bpm)): never")
                    continue
                }
                placed.append(String(format: "%d BPM %.1f s", Int(bpm), placedAt - streamToWall))
                measure.add(lines, song: song, streamToWall: streamToWall, from: max(streamToWall + 12, placedAt + 2),
                            to: streamToWall + seconds - 1, offsetMs: offset) { _ in bpm }
            }
            print("    offset \(offset) ms: \(measure.summary); grid placed at \(placed.joined(separator: ", "))")
        }
    }

    /// Drums with a chord on every bar from the first beat, so the bar can be heard.
    static func barChords(bpm: Double, seconds: Double, startSeconds: Double) -> Signal {
        let rate = 48_000.0
        let silence = Signal(sampleRate: rate, samples: [Float](repeating: 0, count: Int(startSeconds * rate)))
        return Percussion.drumPattern(bpm: bpm, seconds: seconds, sampleRate: rate, startSeconds: startSeconds)
            .mixed(with: silence.followed(by: Harmony.progression(tonic: 9, minor: false, seconds: seconds - startSeconds, sampleRate: rate,
                                                                  chordSeconds: 4 * 60 / bpm)))
    }

    static func step(seconds half: Double, _ session: Session) {
        print("  \(Int(half)) s at 120 BPM, then \(Int(half)) s at 140 BPM (drums, and a chord on every bar):")
        let song = barChords(bpm: 120, seconds: half, startSeconds: 0.25).followed(by: barChords(bpm: 140, seconds: half, startSeconds: 0))
        guard let (streamToWall, lines, placedAt) = session.play(song, named: "step", offsetMs: 0) else { return }
        guard let placedAt else { return print("    the daemon never placed the grid") }
        print(String(format: "    grid placed %.1f s into the music", placedAt - streamToWall))
        for (name, end) in [("120 BPM", half), ("140 BPM", 2 * half)] {
            var measure = Measure()
            measure.add(lines, song: song, streamToWall: streamToWall, from: streamToWall + end - 8, to: streamToWall + end, offsetMs: 0) {
                $0 < half ? 120 : 140
            }
            print("    \(name), last 8 s: \(measure.summary)")
        }
        let step = streamToWall + half
        let after = lines.filter { $0.unix > step && $0.unix < streamToWall + 2 * half }
        let settled = after.last { abs($0.tempo - 140) > 1.4 }?.unix ?? step
        // From 4 s after the placement (itself the one move the grid makes), to the end.
        let steady = lines.filter { $0.unix > placedAt + 4 && $0.unix < streamToWall + 2 * half }
        let moves = zip(steady, steady.dropFirst()).map { (abs($1.beat - $0.beat - ($1.unix - $0.unix) * ($0.tempo + $1.tempo) / 120), $0.unix, $1.tempo - $0.tempo) }
        let jump = moves.max { $0.0 < $1.0 } ?? (0, streamToWall, 0)
        print(String(format: "    re-lock after the step: within 1 %% of 140 BPM for good %.1f s after it; largest grid move between reports 50 ms apart %.4f beats (at %.2f s, tempo change %+.2f BPM)",
                     settled - step, jump.0, jump.1 - streamToWall, jump.2))
    }

    /// `ip netns exec NAMESPACE executable …`, checked to run in the namespace (else killed).
    static func start(_ executable: String, _ arguments: [String], in namespace: String, _ namespaces: NetworkNamespacePair, _ log: String) -> Process? {
        let (tool, all) = namespaces.exec(in: namespace, [executable] + arguments)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = all
        _ = FileManager.default.createFile(atPath: log + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: log + ".err", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log + ".out")
        process.standardError = FileHandle(forWritingAtPath: log + ".err")
        guard (try? process.run()) != nil else { return nil }
        do { try namespaces.verify(pid: process.processIdentifier, isIn: namespace, running: executable) } catch {
            kill(process.processIdentifier, SIGKILL)
            print("  \(error)")
            return nil
        }
        return process
    }

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

    static func peerLines(_ output: String) -> [Line] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 5, let unix = Double(fields[0]), let peers = Int(fields[2]), let tempo = Double(fields[3]),
                  let beat = Double(fields[4]) else { return nil }
            return Line(unix: unix, peers: peers, tempo: tempo, beat: beat)
        }
    }
}
