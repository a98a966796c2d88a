import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindPerformance
import SampleMindSynthesis

/// WLED Audio Sync on loopback: the daemon plays generated songs with known beats in real time
/// and sends Audio Sync to receivers at peak leads of 0 and 30 ms (one daemon per lead), and OSC
/// beats for the session's start. Reports the packet rate, the gaps between packets, packets that
/// were not v2 or were lost (frame counter), and each peak's arrival + lead against its beat.
enum AudioSyncBenchmark {
    static let leads = [0, 30]
    static let tempi = [96.0, 124.0, 150.0]

    static func run(seconds: Double) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("samplemind").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-wled-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        print("WLED Audio Sync (\(tempi.count) generated songs of \(Int(seconds)) s played in real time, unicast on loopback, 50 packets/s)")
        var gaps: [Double] = []
        var rates: [Double] = []
        var lost = 0, refused = 0
        var peakErrors: [Int: [Double]] = [:]
        var missed: [Int: Int] = [:]
        var expected = 0
        for bpm in tempi {
            let song = Percussion.drumPattern(bpm: bpm, seconds: seconds, sampleRate: 48_000)
                .mixed(with: Harmony.progression(tonic: 5, minor: false, seconds: seconds, sampleRate: 48_000))
            let path = "\(folder)/song-\(Int(bpm)).wav"
            guard (try? AudioFileWriter.write(song.samples, sampleRate: 48_000, channelCount: 1, to: path, encoding: .wavFloat)) != nil else { return }
            for lead in leads {
                guard let wled = RawUDPReceiver(), let osc = UDPReceiver() else { return print("  cannot open UDP receivers") }
                guard let daemon = Daemon(binary: binary, song: path, folder: folder,
                                          extra: ["--no-storage", "--osc", "127.0.0.1:\(osc.port)", "--wled", "--wled-target",
                                                  "127.0.0.1:\(wled.port)", "--wled-lead-ms", "\(lead)"], loop: false) else {
                    return print("  the daemon did not start")
                }
                Thread.sleep(forTimeInterval: seconds + 0.5)
                daemon.stop()
                let datagrams = wled.stop()
                let beats = osc.stop().filter { $0.path == "/samplemind/beat" }
                let packets = datagrams.compactMap { datagram in AudioSyncPacket(decoding: datagram.bytes).map { (datagram.arrival, $0) } }
                refused += datagrams.count - packets.count
                guard let first = packets.first?.0, let beat = beats.first,
                      case .double(let wall) = beat.arguments[4], case .double(let t) = beat.arguments[5] else {
                    missed[lead, default: 0] += song.beats.count
                    continue
                }
                // The steady middle: from 2 s after the first packet to 1 s before the song ends.
                let sessionWall = wall - t
                let middle = packets.filter { $0.0 > first + 2 && $0.0 < sessionWall + seconds - 1 }
                if let a = middle.first?.0, let b = middle.last?.0, b > a { rates.append(Double(middle.count - 1) / (b - a)) }
                for (x, y) in zip(middle, middle.dropFirst()) {
                    gaps.append(y.0 - x.0)
                    lost += (Int(y.1.frameCounter) - Int(x.1.frameCounter) + 256) % 256 - 1
                }
                let peaks = packets.filter(\.1.peak).map(\.0)
                let truth = song.beats.filter { $0 > 8 && $0 < seconds - 1 }
                expected += truth.count
                for beatTime in truth {
                    let due = sessionWall + beatTime - Double(lead) / 1000
                    guard let nearest = peaks.min(by: { abs($0 - due) < abs($1 - due) }), abs(nearest - due) < 0.25 * 60 / bpm else {
                        missed[lead, default: 0] += 1
                        continue
                    }
                    peakErrors[lead, default: []].append(nearest + Double(lead) / 1000 - (sessionWall + beatTime))
                }
            }
        }
        gaps.sort()
        guard !gaps.isEmpty else { return print("  no packets arrived") }
        print(String(format: "  rate %.2f packets/s (songs: %@); gap p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms; %d lost, %d not v2",
                     rates.reduce(0, +) / Double(max(rates.count, 1)), rates.map { String(format: "%.2f", $0) }.joined(separator: ", "),
                     gaps[gaps.count / 2] * 1000, gaps[Int(0.95 * Double(gaps.count - 1))] * 1000, gaps[Int(0.99 * Double(gaps.count - 1))] * 1000,
                     (gaps.last ?? 0) * 1000, lost, refused))
        for lead in leads {
            let values = (peakErrors[lead] ?? []).sorted()
            let absolute = values.map(abs).sorted()
            guard !values.isEmpty else { continue }
            print(String(format: "  peaks, lead %2d ms: arrival + lead − beat p50 %+.1f ms, |error| p95 %.1f ms, max %.1f ms over %d beats; %d of %d beats without a peak",
                         lead, values[values.count / 2] * 1000, absolute[Int(0.95 * Double(absolute.count - 1))] * 1000,
                         (absolute.last ?? 0) * 1000, values.count, missed[lead] ?? 0, expected / leads.count))
        }
    }
}

/// Datagrams on 127.0.0.1 (a free port) with their arrival times, read by their own thread.
final class RawUDPReceiver: @unchecked Sendable {
    struct Datagram { var bytes: [UInt8]; var arrival: Double }
    let port: Int
    private let socket: UDPSocket
    private let lock = NSLock()
    private var datagrams: [Datagram] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init?() {
        guard let socket = try? UDPSocket.bound(host: "127.0.0.1", port: 0).get() else { return nil }
        self.socket = socket
        port = socket.localPort
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                guard let datagram = socket.receive(limit: 2_048, timeout: 0.05) else { continue }
                let arrival = Date().timeIntervalSince1970
                lock.withLock { datagrams.append(Datagram(bytes: datagram.bytes, arrival: arrival)) }
            }
            done.signal()
        }
    }

    /// Stops reading and returns everything received.
    func stop() -> [Datagram] {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { datagrams }
    }
}
