import ArgumentParser
import SampleMindConfiguration

struct AnalysisOptions: ServeOptionGroup {
    @Option(help: "SCHED_FIFO priority of the analysis thread (1–99); 0 for normal scheduling. [analysis.realtime_priority]")
    var realtimePriority: Int?

    @Option(help: "Beats per bar, for bar positions (1–16). [analysis.beats_per_bar]")
    var meter: Int?

    func overrides(into values: inout [String: ConfigurationValue]) {
        if let realtimePriority { values["analysis.realtime_priority"] = .integer(realtimePriority) }
        if let meter { values["analysis.beats_per_bar"] = .integer(meter) }
    }
}
