import Foundation
import Glibc

/// What the dashboard costs the machine that shows it: a real headless Chromium keeps the page
/// open against a real daemon streaming 30 frames per second, and the CPU time of every Chromium
/// process (browser, renderer, GPU and utility processes) is read from /proc over a fixed window.
/// Software rendering (no GPU here), so this is the expensive case.
enum DashboardBenchmark {
    static let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]

    static func run(seconds: Double) {
        guard let chromium = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("dashboard: skipped — Chromium is not installed (scripts/install-dependencies installs it)")
            return
        }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("samplemind").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-dashboard-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard let song = BenchMusic.write(seconds: 30, into: folder),
              let daemon = Daemon(binary: binary, song: song, folder: folder, extra: ["--no-storage"]) else {
            print("dashboard: skipped — the daemon did not start")
            return
        }
        defer { daemon.stop() }

        guard let blank = measure(chromium: chromium, url: "about:blank", profile: "\(folder)/blank", seconds: seconds, daemon: nil),
              let page = measure(chromium: chromium, url: "http://127.0.0.1:\(daemon.port)/", profile: "\(folder)/page",
                                 seconds: seconds, daemon: daemon) else { return }
        print("Dashboard page cost (headless Chromium, software rendering, 1440×900, \(Int(seconds)) s each)")
        print(String(format: "  frames received by the page %.1f/s; Chromium CPU with the dashboard %.1f %% of one core, with a blank page %.1f %%",
                     page.frames, page.total, blank.total))
        print(String(format: "  the page's own cost (dashboard minus blank) %.1f %% of one core; target < 20 %%", page.total - blank.total))
        print("  by Chromium process, dashboard: " + page.byType + "; blank: " + blank.byType)
    }

    struct Cost { var total: Double; var frames: Double; var byType: String }

    /// Opens `url` in a fresh headless Chromium and measures its CPU over `seconds` after it settled
    /// (for the dashboard: after the page subscribed).
    static func measure(chromium: String, url: String, profile: String, seconds: Double, daemon: Daemon?) -> Cost? {
        let browser = Process()
        browser.executableURL = URL(fileURLWithPath: chromium)
        browser.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--mute-audio",
                             "--disable-background-networking", "--disable-extensions", "--remote-debugging-port=0",
                             "--user-data-dir=\(profile)", "--window-size=1440,900", url]
        browser.standardOutput = FileHandle.nullDevice
        browser.standardError = FileHandle.nullDevice
        guard (try? browser.run()) != nil else {
            print("dashboard: skipped — Chromium did not start")
            return nil
        }
        defer { browser.terminate(); browser.waitUntilExit() }
        if let daemon {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, (daemon.metrics()["clients"] ?? 0) < 1 { usleep(200_000) }
            guard (daemon.metrics()["clients"] ?? 0) >= 1 else {
                print("dashboard: the page never connected to the daemon")
                return nil
            }
        }
        sleep(3)
        let framesBefore = daemon?.metrics()["frames_sent_total"] ?? 0
        let before = chromiumCPU(root: browser.processIdentifier)
        let started = Date()
        Thread.sleep(forTimeInterval: seconds)
        let elapsed = Date().timeIntervalSince(started)
        let after = chromiumCPU(root: browser.processIdentifier)
        let frames = ((daemon?.metrics()["frames_sent_total"] ?? 0) - framesBefore) / elapsed
        let parts = after.byType.keys.sorted().map { type in
            String(format: "%@ %.1f %%", type, ((after.byType[type] ?? 0) - (before.byType[type] ?? 0)) / elapsed * 100)
        }
        return Cost(total: (after.total - before.total) / elapsed * 100, frames: frames, byType: parts.joined(separator: ", "))
    }

    /// CPU seconds of `root` and all its descendants, in all and by Chromium process type.
    static func chromiumCPU(root: Int32) -> (total: Double, byType: [String: Double]) {
        var children: [Int32: [Int32]] = [:]
        var seconds: [Int32: Double] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let stat = ProcessStat(pid: pid) else { continue }
            children[stat.parent, default: []].append(pid)
            seconds[pid] = stat.cpuSeconds
        }
        var total = 0.0
        var byType: [String: Double] = [:]
        var queue = [root]
        while let pid = queue.popLast() {
            total += seconds[pid] ?? 0
            let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            let type = commandLine.components(separatedBy: "--type=").dropFirst().first?.split(whereSeparator: { $0 == "\0" || $0 == " " }).first.map(String.init) ?? "browser"
            byType[type, default: 0] += seconds[pid] ?? 0
            queue += children[pid] ?? []
        }
        return (total, byType)
    }
}
