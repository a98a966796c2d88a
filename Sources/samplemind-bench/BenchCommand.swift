import ArgumentParser
import Foundation
import SampleMindAnalysis

/// The benchmarks, in the order named on the command line. Run it through scripts/bench, which
/// builds in release mode and prepares the scorer's Python.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samplemind-bench",
        abstract: "Measures SampleMind: speed, accuracy on the corpus, the live engine, the stream, storage, the dashboard and the performer outputs.",
        discussion: """
            Benchmarks (with none named, speed and accuracy run):
            \(Benchmark.allCases.map { "  \($0.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))\($0.summary)" }.joined(separator: "\n"))

            Run it through scripts/bench, which builds in release mode and prepares the scorer's Python, e.g. bash scripts/bench live latency --live-minutes 1.
            """
    )

    /// A benchmark the command line can name.
    enum Benchmark: String, CaseIterable, ExpressibleByArgument {
        case speed, accuracy, cost, live, latency, stream, segments, dashboard, performer, mqtt, wled, link

        /// What it measures, for --help.
        var summary: String {
            switch self {
            case .speed: return "realtime factor of the analyzer and of analyze, on one core"
            case .accuracy: return "onsets, beats, tempo and key on the corpus, beside the peers"
            case .cost: return "analyze beside librosa's beat tracker, and instructions per second beside aubio (callgrind)"
            case .live: return "live engine: CPU, hand-over latency, a real-time run, a soak"
            case .latency: return "onset latency on JACK, beside aubio's aubioonset"
            case .stream: return "100, 500 and 1000 WebSocket subscribers"
            case .segments: return "storage and search at 100,000 segments"
            case .dashboard: return "what the dashboard costs a headless Chromium"
            case .performer: return "OSC beat timing and the MIDI clock on JACK"
            case .mqtt: return "1, 2 and 4 rooms, and 100 to 5000 subscribers, through one mosquitto: rate, beat latency, CPU"
            case .wled: return "WLED Audio Sync: packet rate, jitter and peak timing"
            case .link: return "Ableton Link: tempo and grid error, re-lock after a step (network namespaces, root)"
            }
        }
    }

    @Argument(help: "The benchmarks to run (default: speed accuracy).")
    var benchmarks: [Benchmark] = []

    @Option(help: ArgumentHelp("The evaluation corpus.", valueName: "folder"))
    var corpus = "../shared/corpus"
    @Option(help: ArgumentHelp("The scorer.", valueName: "file"))
    var scorer = "../shared/eval/score.py"
    @Option(help: ArgumentHelp("The peers' figures, printed beside ours.", valueName: "file"))
    var baseline = "../shared/eval/baseline.md"
    @Option(help: ArgumentHelp("A Python with mir_eval, for the scorer.", valueName: "path"))
    var python = "../.venv-eval/bin/python"
    @Option(help: ArgumentHelp("Keep the accuracy benchmark's predictions in this folder.", valueName: "folder"))
    var keep: String?
    @Option(help: "Seconds of music for the speed benchmark.")
    var speedSeconds = 120.0
    @Option(help: "Minutes of the live benchmark's real-time run.")
    var liveMinutes = 10.0
    @Option(help: "Hours of audio in the live benchmark's soak.")
    var soakHours = 24.0
    @Option(help: "Seconds of clicks per hop size in the latency benchmark.")
    var latencySeconds = 60.0
    @Option(help: "Seconds per round of the stream benchmark.")
    var streamSeconds = 20.0
    @Option(help: "Seconds of measurement in the dashboard benchmark.")
    var dashboardSeconds = 30.0
    @Option(help: "Seconds of music per song in the performer, wled and link benchmarks.")
    var performerSeconds = 40.0
    @Option(help: "Seconds per round of the MQTT benchmark.")
    var mqttSeconds = 20.0
    @Option(help: "The detector the performer benchmark's daemon runs: dsp or network.")
    var detector = "dsp"
    @Option(help: "Where the performer benchmark's daemon takes its beats from with --detector network: onset-function (its default), bar-pointer or cumulative-score.")
    var beatDecoder: String?

    func validate() throws {
        let durations = [("--speed-seconds", speedSeconds), ("--live-minutes", liveMinutes), ("--soak-hours", soakHours),
                         ("--latency-seconds", latencySeconds), ("--stream-seconds", streamSeconds),
                         ("--dashboard-seconds", dashboardSeconds), ("--performer-seconds", performerSeconds),
                         ("--mqtt-seconds", mqttSeconds)]
        for (option, value) in durations where !(value.isFinite && value >= 0) {
            throw ValidationError("\(option) must be a number of 0 or more, got \(value)")
        }
        guard ["dsp", "network"].contains(detector) else { throw ValidationError("--detector is dsp or network, got \(detector)") }
        if let beatDecoder {
            guard BeatDecoder(rawValue: beatDecoder) != nil else {
                throw ValidationError("--beat-decoder is \(BeatDecoder.choices), got \(beatDecoder)")
            }
            guard detector == "network" else { throw ValidationError("--beat-decoder needs --detector network") }
        }
    }

    func run() {
        print("SampleMind benchmark — \(Date())")
        for benchmark in benchmarks.isEmpty ? [.speed, .accuracy] : benchmarks {
            print("")
            switch benchmark {
            case .speed: SpeedBenchmark.run(seconds: speedSeconds)
            case .accuracy: AccuracyBenchmark.run(arguments: self)
            case .cost:
                let binaries = (CommandLine.arguments[0] as NSString).deletingLastPathComponent
                CostBenchmark.run(samplemind: "\(binaries)/samplemind", python: python)
            case .live: LiveBenchmark.run(minutes: liveMinutes, soakHours: soakHours)
            case .latency: OnsetLatencyBenchmark.run(seconds: latencySeconds)
            case .stream: StreamLoadBenchmark.run(clientCounts: [100, 500, 1_000], seconds: streamSeconds)
            case .segments: SegmentBenchmark.run()
            case .dashboard: DashboardBenchmark.run(seconds: dashboardSeconds)
            case .performer:
                OSCTimingBenchmark.run(seconds: performerSeconds)
                print("")
                MIDIClockBenchmark.run(firstSeconds: performerSeconds, secondSeconds: performerSeconds / 2, detector: detector,
                                       beatDecoder: beatDecoder ?? BeatDecoder.onsetFunction.rawValue)
            case .mqtt:
                MQTTLoadBenchmark.run(roomCounts: [1, 2, 4], seconds: mqttSeconds)
                print("")
                MQTTFanOutBenchmark.run(subscriberCounts: [100, 1_000, 5_000], seconds: mqttSeconds)
            case .wled: AudioSyncBenchmark.run(seconds: performerSeconds)
            case .link: LinkBenchmark.run(seconds: performerSeconds)
            }
            fflush(nil)
        }
    }
}
