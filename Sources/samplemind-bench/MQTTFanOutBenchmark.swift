import Foundation
import Glibc

/// One room read by many consumers: one daemon playing music in real time publishes at its
/// default rates to one real mosquitto on loopback, and this process holds 100, 1,000 and 5,000
/// subscribing connections (`MQTTBenchSubscriber`, multiplexed with poll). Per round: deliveries a
/// second (all connections together), beat latency from the beat's wall-clock time to its arrival
/// at a subscriber (p50, p99, max), the fewest beats any one connection got against the most, and
/// the CPU of the broker, the daemon and the subscribers' process. Bounded: fixed rounds of fixed
/// length; the broker, the daemon and every connection are closed at the end.
enum MQTTFanOutBenchmark {
    static func run(subscriberCounts: [Int], seconds: Double) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("samplemind").path
        guard FileManager.default.isExecutableFile(atPath: binary), FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto") else {
            print("mqtt fan-out: skipped — needs samplemind beside samplemind-bench, and mosquitto (scripts/install-dependencies --for-tests)")
            return
        }
        let needed = (subscriberCounts.max() ?? 0) + 200
        guard raiseDescriptorLimit(to: needed) else {
            return print("mqtt fan-out: skipped — cannot raise the open-file limit to \(needed) (ulimit -n)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-mqtt-fanout-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard let song = BenchMusic.write(seconds: 30, into: folder), let port = freeLoopbackPort() else { return }
        let configuration = "\(folder)/mosquitto.conf"
        let settings = "listener \(port) 127.0.0.1\nallow_anonymous true\npersistence false\nmax_connections -1\nset_tcp_nodelay true\n"
        guard (try? settings.write(toFile: configuration, atomically: true, encoding: .utf8)) != nil,
              let broker = startProcess("/usr/sbin/mosquitto", ["-c", configuration], output: "\(folder)/mosquitto.log") else {
            return print("mqtt fan-out: the broker did not start")
        }
        defer { stopProcess(broker) }
        usleep(500_000)
        guard let daemon = Daemon(binary: binary, song: song, folder: folder,
                                  extra: ["--no-storage", "--mqtt", "mqtt://127.0.0.1:\(port)", "--mqtt-room", "fanout"]) else {
            return print("mqtt fan-out: the daemon did not start")
        }
        defer { daemon.stop() }
        Thread.sleep(forTimeInterval: 4) // the tempo locks and beats flow

        print("MQTT fan-out (one daemon at its default rates, one mosquitto, subscribers in this process, all on loopback on \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Int(seconds)) s per round)")
        print("  subscribers  deliveries/s  beat latency p50 / p99 / max (ms)  beats per subscriber min–max  CPU % of a core: broker / daemon / subscribers")
        for count in subscriberCounts {
            var subscribers: [MQTTBenchSubscriber] = []
            subscribers.reserveCapacity(count)
            for index in 0..<count {
                guard let subscriber = MQTTBenchSubscriber(port: port, clientID: "bench-\(getpid())-\(count)-\(index)", topic: "samplemind/fanout/#") else { break }
                subscribers.append(subscriber)
            }
            guard subscribers.count == count else {
                print("  \(count): only \(subscribers.count) connections could be opened")
                break
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            var lateness: [Double] = []
            pump(subscribers, for: 2, chunk: &chunk, lateness: &lateness) // warm-up: connections settle, retained state read
            lateness.removeAll()
            let deliveriesBefore = subscribers.reduce(0) { $0 + $1.deliveries }
            let beatsBefore = subscribers.map(\.beats)
            let cpuBefore = (ProcessStat(pid: broker.processIdentifier)?.cpuSeconds ?? 0, daemon.cpuSeconds(), ProcessStat(pid: getpid())?.cpuSeconds ?? 0)
            let started = Date()
            pump(subscribers, for: seconds, chunk: &chunk, lateness: &lateness)
            let elapsed = Date().timeIntervalSince(started)
            let cpuAfter = (ProcessStat(pid: broker.processIdentifier)?.cpuSeconds ?? 0, daemon.cpuSeconds(), ProcessStat(pid: getpid())?.cpuSeconds ?? 0)
            let deliveries = subscribers.reduce(0) { $0 + $1.deliveries } - deliveriesBefore
            let beats = zip(subscribers.map(\.beats), beatsBefore).map { $0 - $1 }
            let closed = subscribers.filter(\.closed).count
            lateness.sort()
            func at(_ q: Double) -> String { lateness.isEmpty ? "—" : String(format: "%.1f", lateness[Int(q * Double(lateness.count - 1))]) }
            func percent(_ a: Double, _ b: Double) -> String { String(format: "%.0f", (a - b) / elapsed * 100) }
            print("  \(String(format: "%5d", count))        \(String(format: "%9.0f", Double(deliveries) / elapsed))      \(at(0.5)) / \(at(0.99)) / \(at(1))"
                  + "                     \(beats.min() ?? 0)–\(beats.max() ?? 0)"
                  + "                        \(percent(cpuAfter.0, cpuBefore.0)) / \(percent(cpuAfter.1, cpuBefore.1)) / \(percent(cpuAfter.2, cpuBefore.2))"
                  + (closed > 0 ? "  (\(closed) connections closed by the broker)" : ""))
            subscribers.removeAll() // closes every connection
            usleep(500_000)
        }
    }

    /// Reads every connection that has data, for `seconds`.
    private static func pump(_ subscribers: [MQTTBenchSubscriber], for seconds: Double, chunk: inout [UInt8], lateness: inout [Double]) {
        var descriptors = subscribers.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard poll(&descriptors, nfds_t(descriptors.count), 50) > 0 else { continue }
            for index in descriptors.indices where descriptors[index].revents != 0 {
                subscribers[index].read(into: &chunk, lateness: &lateness)
                if subscribers[index].closed { descriptors[index].fd = -1 }
                descriptors[index].revents = 0
            }
        }
    }

    private static func raiseDescriptorLimit(to wanted: Int) -> Bool {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return false }
        if limit.rlim_cur >= rlim_t(wanted) { return true }
        limit.rlim_cur = min(max(rlim_t(wanted), limit.rlim_cur), limit.rlim_max)
        return setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 && limit.rlim_cur >= rlim_t(wanted)
    }
}
