import Foundation
import Glibc

/// Rooms publishing through one real mosquitto on loopback: 1, 2 and 4 daemons (rooms) playing
/// music in real time with levels at 10 and frames at 30 messages a second, read by one
/// mosquitto_sub. Per round: messages a second at the subscriber, beat latency (arrival at the
/// subscriber minus the beat's wall clock), messages the publishers dropped, and the daemons'
/// CPU beside the same daemons without MQTT. Bounded: fixed rounds of fixed length.
enum MQTTLoadBenchmark {
    static func run(roomCounts: [Int], seconds: Double) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("samplemind").path
        guard FileManager.default.isExecutableFile(atPath: binary),
              FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/mosquitto_sub") else {
            print("mqtt: skipped — needs samplemind beside samplemind-bench, and mosquitto and mosquitto-clients (scripts/install-dependencies --for-tests)")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-mqtt-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard let song = BenchMusic.write(seconds: 30, into: folder), let port = freeLoopbackPort() else { return }
        let configuration = "\(folder)/mosquitto.conf"
        guard (try? "listener \(port) 127.0.0.1\nallow_anonymous true\npersistence false\n".write(toFile: configuration, atomically: true, encoding: .utf8)) != nil,
              let broker = startProcess("/usr/sbin/mosquitto", ["-c", configuration], output: "\(folder)/mosquitto.log") else {
            return print("mqtt: the broker did not start")
        }
        defer { stopProcess(broker) }
        let rates = "\(folder)/rates.toml"
        guard (try? "[mqtt]\nlevel_rate_hz = 10.0\nframe_rate_hz = 30.0\n".write(toFile: rates, atomically: true, encoding: .utf8)) != nil else { return }
        usleep(500_000)
        print("MQTT load (one mosquitto on loopback, rooms playing music in real time, levels 10/s and frames 30/s per room, \(Int(seconds)) s per round, \(ProcessInfo.processInfo.activeProcessorCount) cores)")
        print("  rooms  msgs/s at subscriber  beat latency p50 / p95 / max (ms)  dropped  daemon CPU with MQTT / without (% of a core, per room)")
        for rooms in roomCounts {
            let without = cpuPerRoom(rooms: rooms, seconds: seconds, binary: binary, song: song, folder: folder, extra: { _ in [] })
            let received = "\(folder)/received-\(rooms).txt"
            guard let subscriber = startProcess("/usr/bin/mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(port)", "-t", "samplemind/#", "-F", "%U %t %p"],
                                         output: received) else { return print("  mosquitto_sub did not start") }
            usleep(300_000)
            var dropped = 0.0
            let with = cpuPerRoom(rooms: rooms, seconds: seconds, binary: binary, song: song, folder: folder, extra: { room in
                ["--config", rates, "--mqtt", "mqtt://127.0.0.1:\(port)", "--mqtt-room", "room\(room)"]
            }) { daemon in
                dropped += daemon.metrics().first { $0.key.hasPrefix("mqtt_messages_dropped_total") }?.value ?? 0
            }
            stopProcess(subscriber)
            let lines = ((try? String(contentsOfFile: received, encoding: .utf8)) ?? "").split(separator: "\n")
            var arrivals: [Double] = []
            var lateness: [Double] = []
            for line in lines {
                let parts = line.split(separator: " ", maxSplits: 2)
                guard parts.count == 3, let arrival = Double(parts[0]) else { continue }
                arrivals.append(arrival)
                guard parts[1].hasSuffix("/beat"),
                      let json = try? JSONSerialization.jsonObject(with: Data(parts[2].utf8)) as? [String: Any],
                      let wall = json["wall_clock"] as? Double else { continue }
                lateness.append((arrival - wall) * 1000)
            }
            lateness.sort()
            let span = max(0.1, (arrivals.max() ?? 0) - (arrivals.min() ?? 0))
            func at(_ q: Double) -> String { lateness.isEmpty ? "—" : String(format: "%.1f", lateness[Int(q * Double(lateness.count - 1))]) }
            print("  \(rooms)      \(String(format: "%8.0f", Double(arrivals.count) / span))              \(at(0.5)) / \(at(0.95)) / \(at(1))"
                  + "                  \(Int(dropped))        \(String(format: "%.1f", with)) / \(String(format: "%.1f", without))")
        }
    }

    /// Runs `rooms` daemons for `seconds` and returns their mean CPU, in % of one core per daemon.
    private static func cpuPerRoom(rooms: Int, seconds: Double, binary: String, song: String, folder: String,
                                   extra: (Int) -> [String], before stopping: (Daemon) -> Void = { _ in }) -> Double {
        let daemons = (0..<rooms).compactMap { Daemon(binary: binary, song: song, folder: folder, extra: ["--no-storage"] + extra($0)) }
        defer { daemons.forEach { $0.stop() } }
        let start = daemons.map { ProcessStat(pid: $0.process.processIdentifier)?.cpuSeconds ?? 0 }
        Thread.sleep(forTimeInterval: seconds)
        let end = daemons.map { ProcessStat(pid: $0.process.processIdentifier)?.cpuSeconds ?? 0 }
        daemons.forEach(stopping)
        guard !daemons.isEmpty else { return 0 }
        return zip(end, start).map { $0 - $1 }.reduce(0, +) / Double(daemons.count) / seconds * 100
    }
}
