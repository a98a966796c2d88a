import SampleMindLog
import Foundation
import Glibc
import SampleMindAnalysis
import SampleMindCapture
import SampleMindEngine

/// End-to-end onset latency beside aubio's JACK tool on the same jackd and the same clicks: from a
/// click's first sample entering the graph to the onset leaving each tool (SampleMind: the onset
/// event reaching a consumer of the engine; aubio: its MIDI note on `midi_out_1`).
enum OnsetLatencyBenchmark {
    static let quiet: LogSink = { _, _ in }

    static func run(seconds: Double) {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/aubioonset") else {
            print("Onset latency vs aubio: skipped — aubioonset is not installed (apt-get install aubio-tools)")
            return
        }
        print("Onset latency vs aubio (jackd dummy, 48 kHz, 64-frame periods, \(Int(seconds)) s of clicks 0.5–0.6 s apart)")
        for hop in [256, 128] { measure(hop: hop, seconds: seconds) }
    }

    struct Figures {
        var latencies: [Double] = []
        var misses = 0
        var falseDetections = 0

        var summary: String {
            let sorted = latencies.sorted()
            func at(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))] }
            return String(format: "p50 %5.1f ms, p95 %5.1f ms, max %5.1f ms; misses %d, false detections %d",
                          at(0.5), at(0.95), sorted.last ?? .nan, misses, falseDetections)
        }
    }

    /// Pairs each detection with the latest earlier click within 150 ms that is still unpaired.
    static func match(clicks: [UInt64], detections: [UInt64]) -> Figures {
        var figures = Figures()
        var paired = Set<Int>()
        for detection in detections {
            if let index = clicks.lastIndex(where: { $0 <= detection && detection - $0 <= 150_000 }), !paired.contains(index) {
                paired.insert(index)
                figures.latencies.append(Double(detection - clicks[index]) / 1_000)
            } else {
                figures.falseDetections += 1
            }
        }
        figures.misses = clicks.count - paired.count
        return figures
    }

    static func measure(hop: Int, seconds: Double) {
        guard let server = JACKDummy(period: 64, scratch: NSTemporaryDirectory()) else {
            print("  hop \(hop): skipped (jackd would not start)")
            return
        }
        defer { server.stop() }
        var settings = LiveEngine.Settings()
        settings.hopSize = hop
        let engine = LiveEngine(settings: settings, log: quiet)
        let queue = engine.addConsumer(name: "bench", capacity: 8_192)
        guard (try? engine.start()) != nil, let input = try? JACKInput(clientName: "samplemind", channelCount: 1),
              (try? input.start(into: engine.capture, log: quiet)) != nil else {
            print("  hop \(hop): SampleMind could not start")
            return
        }
        defer { input.stop(); engine.stop() }
        _ = server.launch("/usr/bin/aubioonset", ["-j", "-H", "\(hop)", "-B", "\(hop * 2)"])
        guard let clicks = ClickClient(name: "sm-clicks", sampleRate: 48_000) else {
            print("  hop \(hop): the click client could not start")
            return
        }
        var waited = 0
        while !clicks.connect("aubio:midi_out_1", "sm-clicks:midi_in"), waited < 50 { usleep(100_000); waited += 1 }
        _ = clicks.connect("sm-clicks:out", "aubio:in_1")
        _ = clicks.connect("sm-clicks:out", "samplemind:in_1")
        Thread.sleep(forTimeInterval: 1)
        while queue.pop() != nil {}
        clicks.running.store(true, ordering: .releasing)
        var ours: [UInt64] = []
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            _ = queue.wake.wait(timeout: 0.01)
            while let output = queue.pop() {
                if case .event(.onset, _) = output { ours.append(JACKClient.currentMicroseconds) }
            }
        }
        clicks.running.store(false, ordering: .releasing)
        Thread.sleep(forTimeInterval: 0.3)
        while let output = queue.pop() { if case .event(.onset, _) = output { ours.append(JACKClient.currentMicroseconds) } }
        let clickTimes = (0..<clicks.clickCount.load(ordering: .acquiring)).map { clicks.clickTimes[$0] }
        let aubio = (0..<clicks.noteCount.load(ordering: .acquiring)).map { clicks.noteTimes[$0] }
        print("  hop \(hop) (\(clickTimes.count) clicks)")
        print("    SampleMind: \(match(clicks: clickTimes, detections: ours).summary)")
        print("    aubio:      \(match(clicks: clickTimes, detections: aubio).summary)")
    }
}
