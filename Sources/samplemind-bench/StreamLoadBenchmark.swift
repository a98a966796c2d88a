import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindSynthesis

/// Many WebSocket subscribers at 30 frames a second against a real daemon on loopback: the
/// frame rate each receives, frames dropped, analysis overruns, the daemon's CPU and memory, and
/// /health latency measured while they stream. Bounded: a fixed number of rounds of fixed length.
enum StreamLoadBenchmark {
    static func run(clientCounts: [Int], seconds: Double) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = min(limit.rlim_max, 65_536)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-stream-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard let song = BenchMusic.write(seconds: 30, into: folder) else { return }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("samplemind").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            print("stream: skipped — build the samplemind binary next to samplemind-bench (scripts/bench does)")
            return
        }
        print("Stream load (loopback, daemon and clients on this \(ProcessInfo.processInfo.activeProcessorCount)-core machine, default features at 30 fps, \(Int(seconds)) s per round)")
        for count in clientCounts {
            guard let daemon = Daemon(binary: binary, song: song, folder: folder) else {
                print("  \(count) subscribers: the daemon did not start")
                continue
            }
            defer { daemon.stop() }
            round(count: count, seconds: seconds, daemon: daemon)
        }
    }

    static func round(count: Int, seconds: Double, daemon: Daemon) {
        var clients: [LoadClient] = []
        for _ in 0..<count {
            guard let client = LoadClient(port: daemon.port) else { break }
            clients.append(client)
        }
        guard clients.count == count else {
            print("  \(count) subscribers: only \(clients.count) connected")
            return
        }
        for client in clients { client.send(text: #"{"type":"subscribe","max_fps":30}"#) }
        // Let the subscriptions settle, then measure.
        pump(clients, for: 1.5)
        clients.forEach { $0.frames = 0 }
        let before = daemon.metrics()
        let cpuBefore = daemon.cpuSeconds()
        let probe = HealthProbe(port: daemon.port)
        probe.start()
        let started = Date()
        pump(clients, for: seconds)
        let elapsed = Date().timeIntervalSince(started)
        probe.stop()
        let after = daemon.metrics()
        let cpu = (daemon.cpuSeconds() - cpuBefore) / elapsed
        let rates = clients.map { Double($0.frames) / elapsed }.sorted()
        let p5 = rates[Int(0.05 * Double(rates.count))], median = rates[rates.count / 2]
        let dropped = Int((after["frames_dropped_total{reason=\"slow_client\"}"] ?? 0) - (before["frames_dropped_total{reason=\"slow_client\"}"] ?? 0))
        let behind = Int((after["frames_dropped_total{reason=\"network_thread_behind\"}"] ?? 0) - (before["frames_dropped_total{reason=\"network_thread_behind\"}"] ?? 0))
        let overruns = Int((after["ring_overruns_total"] ?? 0) - (before["ring_overruns_total"] ?? 0))
        let latencies = probe.latencies.sorted()
        let p99 = latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(0.99 * Double(latencies.count)))]
        print(String(format: "  %4d subscribers: frames per client p5 %.1f/s, median %.1f/s; dropped (slow client) %d, network thread behind %d; analysis overruns %d; daemon CPU %.0f %% of one core, resident %d MiB; /health p50 %.2f ms, p99 %.2f ms over %d requests",
                     count, p5, median, dropped, behind, overruns, cpu * 100, daemon.residentKilobytes() / 1024,
                     latencies.isEmpty ? .nan : latencies[latencies.count / 2], p99, latencies.count))
    }

    /// Reads every client's data for `seconds`, counting frames and answering pings.
    static func pump(_ clients: [LoadClient], for seconds: Double) {
        var descriptors = clients.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let ready = poll(&descriptors, nfds_t(descriptors.count), 50)
            guard ready > 0 else { continue }
            for index in descriptors.indices where descriptors[index].revents & Int16(POLLIN) != 0 {
                clients[index].read()
            }
        }
    }
}
