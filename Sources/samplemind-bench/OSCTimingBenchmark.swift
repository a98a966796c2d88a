import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindPerformance
import SampleMindSynthesis

/// Beat timing of the OSC output: the daemon plays files with known beats in real time and sends
/// to three receivers at leads of 0, 20 and 50 ms. For each beat after lock-in (8 s), the error is
/// the message's arrival time plus its lead, against the time the beat's audio entered the daemon
/// (the file input's session start, which the beat messages carry, plus the beat's time in the file).
enum OSCTimingBenchmark {
    static let leads = [0, 20, 50]
    static let tempi = [96.0, 124.0, 150.0]

    static func run(seconds: Double) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("samplemind").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-osc-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        print("OSC beat timing (\(tempi.count) generated songs of \(Int(seconds)) s with known beats, played in real time; arrival + lead − beat)")
        var errors: [Int: [Double]] = [:]
        var missed: [Int: Int] = [:]
        var expected = 0
        var missedBySong: [String] = []
        for bpm in tempi {
            let song = Percussion.drumPattern(bpm: bpm, seconds: seconds, sampleRate: 48_000)
                .mixed(with: Harmony.progression(tonic: 5, minor: false, seconds: seconds, sampleRate: 48_000))
            let path = "\(folder)/song-\(Int(bpm)).wav"
            guard (try? AudioFileWriter.write(song.samples, sampleRate: 48_000, channelCount: 1, to: path, encoding: .wavFloat)) != nil else { return }
            let receivers = leads.compactMap { _ in UDPReceiver() }
            guard receivers.count == leads.count else { return print("  cannot open UDP receivers") }
            let targets = zip(receivers, leads).flatMap { ["--osc", "127.0.0.1:\($0.port)@\($1)ms"] }
            guard let daemon = Daemon(binary: binary, song: path, folder: folder, extra: ["--no-storage"] + targets, loop: false) else {
                return print("  the daemon did not start")
            }
            Thread.sleep(forTimeInterval: seconds + 0.5)
            daemon.stop()
            let truth = song.beats.filter { $0 > 8 && $0 < seconds - 1 }
            expected += truth.count
            let missedBefore = missed[0] ?? 0
            defer { missedBySong.append("\(Int(bpm)) BPM: \((missed[0] ?? 0) - missedBefore) of \(truth.count)") }
            for (receiver, lead) in zip(receivers, leads) {
                let beats = receiver.stop().filter { $0.path == "/samplemind/beat" }
                guard let first = beats.first, case .double(let wall) = first.arguments[4], case .double(let t) = first.arguments[5] else {
                    missed[lead, default: 0] += truth.count
                    continue
                }
                let sessionWall = wall - t
                for beat in truth {
                    let nearest = beats.min { abs(time(of: $0) - beat) < abs(time(of: $1) - beat) }
                    guard let nearest, abs(time(of: nearest) - beat) < 0.25 * 60 / bpm else {
                        missed[lead, default: 0] += 1
                        continue
                    }
                    errors[lead, default: []].append(nearest.arrival + Double(lead) / 1000 - (sessionWall + beat))
                }
            }
        }
        for lead in leads {
            let values = (errors[lead] ?? []).sorted()
            let absolute = values.map(abs).sorted()
            guard !values.isEmpty else { continue }
            print(String(format: "  lead %2d ms: error p50 %+.1f ms, |error| p95 %.1f ms, max %.1f ms over %d beats; %d of %d beats without a message",
                         lead, values[values.count / 2] * 1000, absolute[Int(0.95 * Double(absolute.count - 1))] * 1000,
                         (absolute.last ?? 0) * 1000, values.count, missed[lead] ?? 0, expected))
        }
        print("  beats without a message, by song: " + missedBySong.joined(separator: ", "))
        print("  target: |error| p95 < 10 ms with a lead that covers the daemon's own latency")
    }

    /// The beat's stream time (its sixth argument).
    static func time(of message: UDPReceiver.Message) -> Double {
        if case .double(let t) = message.arguments[5] { return t }
        return -1
    }
}

/// An OSC receiver on 127.0.0.1 (the daemon's own UDP listener socket on a free port), read by
/// its own thread; each datagram is decoded as OSC and kept with its arrival time.
final class UDPReceiver: @unchecked Sendable {
    struct Message { var path: String; var arguments: [OSCArgument]; var arrival: Double }
    let port: Int
    private let socket: UDPSocket
    private let lock = NSLock()
    private var messages: [Message] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init?() {
        guard let socket = try? UDPSocket.bound(host: "127.0.0.1", port: 0).get() else { return nil }
        self.socket = socket
        port = socket.localPort
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                guard let datagram = socket.receive(limit: 2_048, timeout: 0.05) else { continue }
                var now = timespec()
                clock_gettime(CLOCK_REALTIME, &now)
                guard let decoded = OSCPacket.decode(datagram.bytes) else { continue }
                let message = Message(path: decoded.path, arguments: decoded.arguments, arrival: Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
                lock.withLock { messages.append(message) }
            }
            done.signal()
        }
    }

    /// Stops reading and returns everything received.
    func stop() -> [Message] {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { messages }
    }
}
