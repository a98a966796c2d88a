import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindNetworkNamespace
import SampleMindSynthesis

/// Ableton Link in lead mode against an independent peer (samplemind-link-peer), each in a
/// network namespace of its own joined by a veth pair, so that Link's multicast never leaves on
/// the host's interfaces. The daemon plays drums at 120 BPM, then at 140 BPM; the peer reports
/// its session's tempo and beat twenty times a second. Reports the session's tempo error and the
/// grid error (the session's nearest beat against the true beat) over the last 8 s of each half,
/// the time from the step until the session stays within 1 % of 140 BPM, and the largest move of
/// the grid between two reports (a jump).
enum LinkBenchmark {
    struct Line { var unix: Double; var peers: Int; var tempo: Double; var beat: Double }

    static func run(seconds half: Double) {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let binary = folder.appendingPathComponent("samplemind").path
        let peerBinary = folder.appendingPathComponent("samplemind-link-peer").path
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-link-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        print("Ableton Link, lead mode (\(Int(half)) s of drums at 120 BPM, then \(Int(half)) s at 140 BPM; an independent peer in another network namespace)")
        let namespaces: NetworkNamespacePair
        do { namespaces = try NetworkNamespacePair(label: "bench", subnet: 68) } catch { return print("  \(error)") }
        defer { namespaces.remove() }
        let song = Percussion.drumPattern(bpm: 120, seconds: half, sampleRate: 48_000, startSeconds: 0.25)
            .followed(by: Percussion.drumPattern(bpm: 140, seconds: half, sampleRate: 48_000, startSeconds: 0))
        let path = "\(scratch)/step.wav"
        guard (try? AudioFileWriter.write(song.samples, sampleRate: 48_000, channelCount: 1, to: path, encoding: .wavFloat)) != nil else { return }
        guard let peer = start(peerBinary, ["--seconds", "\(Int(2 * half + 20))"], in: namespaces.second, namespaces, "\(scratch)/peer"),
              let daemon = start(binary, ["serve", "--realtime-priority", "0", "--no-storage", "--port", "0", "--input", "file", "--file", path,
                                          "--print", "--link"], in: namespaces.first, namespaces, "\(scratch)/daemon") else {
            return print("  the peer or the daemon did not start in its namespace")
        }
        Thread.sleep(forTimeInterval: 2 * half + 2)
        daemon.interrupt()
        peer.interrupt()
        daemon.waitUntilExit()
        peer.waitUntilExit()
        let printed = (try? String(contentsOfFile: "\(scratch)/daemon.out", encoding: .utf8)) ?? ""
        guard let streamToWall = streamToWall(printed) else { return print("  the daemon printed no beats") }
        let lines = peerLines((try? String(contentsOfFile: "\(scratch)/peer.out", encoding: .utf8)) ?? "")
        guard let joined = lines.first(where: { $0.peers >= 1 })?.unix else { return print("  the peers never found each other") }
        let trueWalls = song.beats.map { $0 + streamToWall }
        for (name, bpm, end) in [("120 BPM", 120.0, half), ("140 BPM", 140.0, 2 * half)] {
            let window = lines.filter { $0.unix > streamToWall + end - 8 && $0.unix < streamToWall + end }
            guard !window.isEmpty else { continue }
            let errors = window.map { line in
                let beatWall = line.unix + (line.beat.rounded() - line.beat) * 60 / line.tempo
                return (trueWalls.min { abs($0 - beatWall) < abs($1 - beatWall) } ?? 0) - beatWall
            }.sorted()
            let absolute = errors.map(abs).sorted()
            let tempos = window.map { abs($0.tempo - bpm) }.sorted()
            print(String(format: "  %@, last 8 s: tempo error p50 %.3f BPM, max %.3f BPM; grid (true beat − session beat) p50 %+.1f ms, |p95| %.1f ms",
                         name, tempos[tempos.count / 2], tempos.last ?? 0, errors[errors.count / 2] * 1000,
                         absolute[Int(0.95 * Double(absolute.count - 1))] * 1000))
        }
        let step = streamToWall + half
        let after = lines.filter { $0.unix > step && $0.unix < streamToWall + 2 * half }
        let settled = after.last { abs($0.tempo - 140) > 1.4 }?.unix ?? step
        let steady = lines.filter { $0.unix > joined + 4 && $0.unix < streamToWall + 2 * half }
        let moves = zip(steady, steady.dropFirst()).map { (abs($1.beat - $0.beat - ($1.unix - $0.unix) * ($0.tempo + $1.tempo) / 120), $0.unix, $1.tempo - $0.tempo) }
        let jump = moves.max { $0.0 < $1.0 } ?? (0, streamToWall, 0)
        print(String(format: "  re-lock after the step: within 1 %% of 140 BPM for good %.1f s after it; largest grid move between reports 50 ms apart %.4f beats (at %.2f s, tempo change %+.2f BPM)",
                     settled - step, jump.0, jump.1 - streamToWall, jump.2))
    }

    /// `ip netns exec NAMESPACE executable …`, checked to run in the namespace (else killed).
    static func start(_ executable: String, _ arguments: [String], in namespace: String, _ namespaces: NetworkNamespacePair, _ log: String) -> Process? {
        let (tool, all) = namespaces.exec(in: namespace, [executable] + arguments)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = all
        FileManager.default.createFile(atPath: log + ".out", contents: nil)
        FileManager.default.createFile(atPath: log + ".err", contents: nil)
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
