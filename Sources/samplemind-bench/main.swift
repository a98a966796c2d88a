import Foundation

// samplemind-bench [speed] [accuracy] [live] [latency] [stream] [segments] [dashboard] [performer]: with no section named, speed and accuracy.
// Run it through scripts/bench, which builds in release mode and prepares the scorer's Python.

let arguments = BenchArguments(CommandLine.arguments.dropFirst())
print("SampleMind benchmark — \(Date())")
for section in arguments.sections {
    print("")
    switch section {
    case .speed: SpeedBenchmark.run(seconds: arguments.speedSeconds)
    case .accuracy: AccuracyBenchmark.run(arguments: arguments)
    case .live: LiveBenchmark.run(minutes: arguments.liveMinutes, soakHours: arguments.soakHours)
    case .latency: OnsetLatencyBenchmark.run(seconds: arguments.latencySeconds)
    case .stream: StreamLoadBenchmark.run(clientCounts: [100, 500, 1_000], seconds: arguments.streamSeconds)
    case .segments: SegmentBenchmark.run()
    case .dashboard: DashboardBenchmark.run(seconds: arguments.dashboardSeconds)
    case .performer:
        OSCTimingBenchmark.run(seconds: arguments.performerSeconds)
        print("")
        MIDIClockBenchmark.run(firstSeconds: arguments.performerSeconds, secondSeconds: arguments.performerSeconds / 2)
    }
    fflush(nil)
}
