import Foundation
import Glibc
import SampleMindCapture
import SampleMindSynthesis
import Synchronization

/// The MIDI clock against a known beat grid: on a jackd dummy server, a client of this benchmark
/// plays drums at 120 BPM then at 132 BPM into the daemon and notes the JACK frame of every clock
/// pulse arriving from samplemind:midi_clock, so music and clock share one time base. Reports the
/// clock's tempo error, its drift against the beat grid per minute, and how long it takes to lock
/// to the new tempo after the step.
enum MIDIClockBenchmark {
    static let rate = 48_000.0
    static let firstBPM = 120.0
    static let secondBPM = 132.0

    static func run(firstSeconds: Double, secondSeconds: Double, detector: String, beatDecoder: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("samplemind").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-midi-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/jackd"), let jack = JACKDummy(period: 256, scratch: folder) else {
            return print("midi clock: skipped — jackd did not start (install jackd2)")
        }
        defer { jack.stop() }
        let first = Percussion.drumPattern(bpm: firstBPM, seconds: firstSeconds, sampleRate: rate)
        let song = first.followed(by: Percussion.drumPattern(bpm: secondBPM, seconds: secondSeconds, sampleRate: rate))
        guard let daemon = jack.launch(binary, ["serve", "--input", "jack", "--channels", "1", "--midi-clock", "--no-storage",
                                                 "--no-server", "--realtime-priority", "0", "--detector", detector]
                                                 + (detector == "network" ? ["--beat-decoder", beatDecoder] : [])) else {
            return print("midi clock: the daemon did not start")
        }
        defer { daemon.interrupt(); daemon.waitUntilExit() }
        guard let probe = MIDIProbe(samples: song.samples) else { return print("midi clock: cannot open the probe's JACK client") }
        var connected = false
        for _ in 0..<50 where !connected {
            usleep(100_000)
            connected = probe.connect("samplemind-probe:out", "samplemind:in_1") && probe.connect("samplemind:midi_clock", "samplemind-probe:clock_in")
        }
        guard connected else { return print("midi clock: could not connect the probe to the daemon") }
        probe.playing.store(true, ordering: .releasing)
        Thread.sleep(forTimeInterval: song.durationSeconds + 1)

        let start = Double(probe.playStartFrame.load(ordering: .acquiring))
        let count = probe.pulseCount.load(ordering: .acquiring)
        // Clock beats (every 24th pulse since Start), in seconds of the song.
        let starts = (0..<probe.transportCount.load(ordering: .acquiring)).map { probe.transport[$0] }
        guard count > 48, let startFrame = starts.first else { return print("midi clock: no clock arrived") }
        let pulses = (0..<count).map { (Double(probe.pulses[$0]) - start) / rate }
        let firstPulse = pulses.firstIndex { $0 >= (Double(startFrame) - start) / rate } ?? 0
        let beats = stride(from: firstPulse, to: pulses.count, by: 24).map { pulses[$0] }.filter { $0 < song.durationSeconds - 0.5 }
        let stepAt = first.durationSeconds
        print("MIDI clock (jackd dummy, 256-frame periods; \(detector == "network" ? "network detector, \(beatDecoder) beats" : "dsp detector"); drums at \(Int(firstBPM)) BPM for \(Int(firstSeconds)) s, then \(Int(secondBPM)) BPM)")
        print(String(format: "  started %.1f s into the music", pulses[firstPulse]))
        report(beats: beats.filter { $0 > 10 && $0 < stepAt - 1 }, truth: first.beats, bpm: firstBPM, label: "steady \(Int(firstBPM)) BPM")
        let secondTruth = song.beats.filter { $0 >= stepAt }
        report(beats: beats.filter { $0 > stepAt + 8 }, truth: secondTruth, bpm: secondBPM, label: "after the step, \(Int(secondBPM)) BPM")
        // Re-lock: from the step until every later clock beat is within 10 ms of a beat of the new grid
        // (after its constant offset) and the tempo over each beat is within 1 %.
        let after = beats.filter { $0 > stepAt }
        let offsets = after.map { residual($0, truth: secondTruth) }
        if ProcessInfo.processInfo.environment["SAMPLEMIND_BENCH_VERBOSE"] != nil {
            for (time, offset) in zip(after, offsets) { print(String(format: "    clock beat %.3f s: %+.1f ms", time, offset * 1000)) }
        }
        let settled = offsets.suffix(max(1, offsets.count / 3)).sorted()[offsets.suffix(max(1, offsets.count / 3)).count / 2]
        var relockIndex = after.count
        for i in stride(from: after.count - 1, through: 1, by: -1) {
            let tempo = 60 / (after[i] - after[i - 1])
            if abs(offsets[i] - settled) > 0.010 || abs(tempo - secondBPM) > 0.01 * secondBPM { break }
            relockIndex = i - 1
        }
        if relockIndex < after.count {
            print(String(format: "  re-lock after the tempo step: %.2f s (target < 4 s)", after[relockIndex] - stepAt))
        } else {
            print("  re-lock after the tempo step: not within the run")
        }
        print(String(format: "  MIDI messages: %d clock pulses, %d transport messages", count, starts.count))
    }

    /// Signed distance from `time` to the nearest beat of `truth`.
    static func residual(_ time: Double, truth: [Double]) -> Double {
        guard let nearest = truth.min(by: { abs($0 - time) < abs($1 - time) }) else { return .nan }
        return time - nearest
    }

    /// Tempo error and drift of clock `beats` against the `truth` grid.
    static func report(beats: [Double], truth: [Double], bpm: Double, label: String) {
        guard beats.count > 8, let a = beats.first, let b = beats.last else { return print("  \(label): too few clock beats") }
        let tempo = 60 * Double(beats.count - 1) / (b - a)
        let residuals = beats.map { residual($0, truth: truth) }
        // Least-squares slope of the residuals over time: drift, in ms per minute.
        let meanT = beats.reduce(0, +) / Double(beats.count)
        let meanR = residuals.reduce(0, +) / Double(residuals.count)
        let slope = zip(beats, residuals).reduce(0) { $0 + ($1.0 - meanT) * ($1.1 - meanR) }
            / beats.reduce(0) { $0 + ($1 - meanT) * ($1 - meanT) }
        let spread = residuals.map { abs($0 - meanR) }.sorted()
        print(String(format: "  %@: clock tempo %.3f BPM (error %+.3f %%), drift %+.2f ms per minute, offset from the beats %+.1f ms (p95 jitter %.2f ms) over %d beats",
                     label, tempo, (tempo / bpm - 1) * 100, slope * 60_000, meanR * 1000, spread[Int(0.95 * Double(spread.count - 1))] * 1000, beats.count))
    }
}

/// The benchmark's JACK client: plays samples into its audio output once `playing` is set, noting
/// the frame it began at, and notes the frame of every MIDI clock pulse and transport message on
/// its MIDI input. Frames are JACK's own frame counter, so audio and clock share one time base.
final class MIDIProbe: @unchecked Sendable {
    /// Most clock pulses noted (over an hour of clock at 132 BPM), and most transport messages noted.
    static let maximumPulses = 200_000
    static let maximumTransportMessages = 64
    private let jack: JACKClient
    private let output: JACKClient.Port
    private let input: JACKClient.Port
    private let samples: [Float]
    private var position = 0
    let playing = Atomic<Bool>(false)
    let playStartFrame = Atomic<Int>(0)
    let pulses = UnsafeMutablePointer<Int>.allocate(capacity: maximumPulses)
    let pulseCount = Atomic<Int>(0)
    let transport = UnsafeMutablePointer<Int>.allocate(capacity: maximumTransportMessages)
    let transportCount = Atomic<Int>(0)

    init?(samples: [Float]) {
        guard let jack = JACKClient(name: "samplemind-probe"), let output = jack.register("out", .audioOutput),
              let input = jack.register("clock_in", .midiInput) else { return nil }
        (self.jack, self.output, self.input) = (jack, output, input)
        self.samples = samples
        guard jack.activate(process: probeProcess, context: Unmanaged.passUnretained(self).toOpaque()) else { return nil }
    }

    deinit {
        jack.close()
        pulses.deallocate()
        transport.deallocate()
    }

    func connect(_ source: String, _ destination: String) -> Bool { jack.connect(source, destination) }

    fileprivate func process(_ frames: UInt32) {
        let cycleStart = Int(jack.lastFrameTime)
        let out = jack.audioBuffer(output, frames: frames)
        if playing.load(ordering: .relaxed), position == 0 { playStartFrame.store(cycleStart, ordering: .releasing) }
        for i in 0..<Int(frames) {
            if playing.load(ordering: .relaxed), position < samples.count {
                out[i] = samples[position]
                position += 1
            } else {
                out[i] = 0
            }
        }
        jack.forEachMIDIEvent(input, frames: frames) { time, data in
            guard let status = data.first else { return }
            let frame = cycleStart + Int(time)
            if status == 0xF8 {
                let count = pulseCount.load(ordering: .relaxed)
                guard count < Self.maximumPulses else { return }
                pulses[count] = frame
                pulseCount.store(count + 1, ordering: .releasing)
            } else if status == 0xFA || status == 0xFB {
                let count = transportCount.load(ordering: .relaxed)
                guard count < Self.maximumTransportMessages else { return }
                transport[count] = frame
                transportCount.store(count + 1, ordering: .releasing)
            }
        }
    }
}

private func probeProcess(_ frames: UInt32, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    Unmanaged<MIDIProbe>.fromOpaque(arg!).takeUnretainedValue().process(frames)
    return 0
}
