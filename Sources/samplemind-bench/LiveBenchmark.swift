import SampleMindOutputs
import SampleMindLog
import Foundation
import Glibc
import SampleMindAnalysis
import SampleMindAudioFile
import SampleMindCapture
import SampleMindEngine
import SampleMindInference
import SampleMindModels
import SampleMindSynthesis

/// The live engine, measured: CPU and hand-over latency with JACK at 256- and 64-frame periods,
/// overruns over minutes of real-time file input, and resident memory over a long soak.
enum LiveBenchmark {
    static let quiet: LogSink = { _, _ in }

    static func run(minutes: Double, soakHours: Double) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-live-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        guard let song = BenchMusic.write(seconds: 40, into: scratch) else { return }
        print("Live engine (48 kHz, analysis thread at normal priority unless the machine grants SCHED_FIFO)")
        for period in [256, 64] { jack(period: period, song: song, scratch: scratch) }
        if let weights = BenchWeights.detector {
            var settings = LiveEngine.Settings()
            settings.detector = .network
            settings.network = weights
            jack(period: 256, song: song, scratch: scratch, settings: settings, label: "network detector, ")
        }
        realTimeFile(song: song, minutes: minutes)
        soak(song: song, hours: soakHours)
    }

    /// CPU of the JACK process thread and the analysis thread, and the hand-over latency.
    static func jack(
        period: Int, song: String, scratch: String, settings: LiveEngine.Settings = LiveEngine.Settings(), label: String = ""
    ) {
        guard let server = JACKDummy(period: period, scratch: scratch) else {
            print("  JACK, \(period)-frame periods: skipped (jackd would not start; is jackd2 installed?)")
            return
        }
        defer { server.stop() }
        let engine = LiveEngine(settings: settings, log: quiet)
        let queue = engine.addConsumer(name: "bench", capacity: 8_192)
        do {
            try engine.start()
            let input = try JACKInput(clientName: "samplemind", channelCount: 1)
            try input.start(into: engine.capture, log: quiet)
            defer { input.stop(); engine.stop() }
            let player = server.play(song, into: "samplemind:in_1")
            Thread.sleep(forTimeInterval: 3)
            let capture = input.processThread.load(ordering: .acquiring)
            let analysis = engine.analysisThread.load(ordering: .acquiring)
            let cpuBefore = threadCPU(capture) + threadCPU(analysis)
            let wallBefore = Date()
            engine.counters.restartTimingFigures()
            while player.isRunning { while queue.pop() != nil {}; usleep(10_000) }
            let cpu = threadCPU(capture) + threadCPU(analysis) - cpuBefore
            let wall = Date().timeIntervalSince(wallBefore)
            let blocks = engine.counters.blocks.load(ordering: .relaxed)
            input.stop()
            engine.stop()
            let hop = 480.0 / 48_000
            let counters = engine.counters
            print(String(format: "  JACK, %@%d-frame periods: capture + analysis threads use %.2f %% of one core; per 10 ms hop: mean %.1f µs (%.2f %% of the hop), max %.1f µs",
                         label, period, cpu / wall * 100, counters.meanAnalysisSeconds * 1e6, counters.meanAnalysisSeconds / hop * 100,
                         Double(counters.analysisNanosecondsMax.load(ordering: .relaxed)) / 1e3))
            print(String(format: "      hand-over latency (last sample of a hop in the ring → its frame queued): p50 %.3f ms, p99 %.3f ms, max %.3f ms over %d hops; xruns %d, overruns %d",
                         counters.handoverPercentile(0.5) * 1e3, counters.handoverPercentile(0.99) * 1e3,
                         Double(counters.handoverNanosecondsMax.load(ordering: .relaxed)) / 1e6, blocks,
                         engine.capture.xruns.load(ordering: .relaxed), engine.capture.overruns.load(ordering: .relaxed)))
        } catch {
            print("  JACK, \(period)-frame periods: failed: \(error)")
        }
    }

    /// Overruns and drops while a file plays at real-time speed for `minutes`.
    static func realTimeFile(song: String, minutes: Double) {
        do {
            let end = Date().addingTimeInterval(minutes * 60 + 1)
            let (engine, queue) = try playLooped(song, speed: 1, restartTimingAfter: 1) { _ in Date() >= end }
            print(String(format: "  file input at real-time speed for %.1f min: overruns %d, xruns %d, frames dropped by the consumer %d, hand-over p99 %.3f ms",
                         minutes, engine.capture.overruns.load(ordering: .relaxed), engine.capture.xruns.load(ordering: .relaxed),
                         queue.droppedFrames.load(ordering: .relaxed), engine.counters.handoverPercentile(0.99) * 1e3))
        } catch {
            print("  file input at real-time speed: failed: \(error)")
        }
    }

    /// Resident memory while `hours` of audio go through the file input as fast as possible.
    static func soak(song: String, hours: Double) {
        let targetBlocks = Int(hours * 3_600 * 100)
        let started = Date()
        var residentStart = 0
        do {
            _ = try playLooped(song, speed: 0, restartTimingAfter: nil) { engine in
                let blocks = engine.counters.blocks.load(ordering: .relaxed)
                if residentStart == 0, blocks > 6_000 { residentStart = residentKilobytes() }
                return blocks >= targetBlocks
            }
            let residentEnd = residentKilobytes()
            let elapsed = Date().timeIntervalSince(started)
            print(String(format: "  soak: %.1f h of audio through the file input at full speed in %.1f min (%.0f× realtime): resident memory %d KiB after the first minute, %d KiB at the end",
                         hours, elapsed / 60, hours * 3_600 / elapsed, residentStart, residentEnd))
        } catch {
            print("  soak: failed: \(error)")
        }
    }

    /// Plays `song` in a loop into a fresh engine, draining its queue, until `done` says so.
    static func playLooped(
        _ song: String, speed: Double, restartTimingAfter warmUp: Double?, until done: (LiveEngine) -> Bool
    ) throws -> (LiveEngine, OutputQueue) {
        let engine = LiveEngine(log: quiet)
        let queue = engine.addConsumer(name: "bench", capacity: 4_096)
        try engine.start()
        let input = try FileInput(path: song, loop: true, speed: speed)
        try input.start(into: engine.capture, log: quiet)
        if let warmUp {
            Thread.sleep(forTimeInterval: warmUp)
            engine.counters.restartTimingFigures()
        }
        while !done(engine) {
            while queue.pop() != nil {}
            usleep(5_000)
        }
        input.stop()
        engine.stop()
        return (engine, queue)
    }

    static func threadCPU(_ thread: pthread_t) -> Double {
        guard thread != 0 else { return 0 }
        var clock = clockid_t()
        guard pthread_getcpuclockid(thread, &clock) == 0 else { return 0 }
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
}
