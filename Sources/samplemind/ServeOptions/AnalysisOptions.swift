import ArgumentParser
import SampleMindConfiguration

struct AnalysisOptions: ServeOptionGroup {
    @Option(help: "SCHED_FIFO priority of the analysis thread (1–99); 0 for normal scheduling. [analysis.realtime_priority]")
    var realtimePriority: Int?

    @Option(help: "Beats per bar, for bar positions (1–16). [analysis.beats_per_bar]")
    var meter: Int?

    @Option(help: "Onset, beat and downbeat detector: network or dsp. [analysis.detector]")
    var detector: String?

    @Option(help: "The network's weight file (default: the one installed with samplemind). [analysis.model]")
    var model: String?

    @Option(help: "Where beats come from with the network: onset-function, bar-pointer or cumulative-score. [analysis.beat_decoder]")
    var beatDecoder: String?

    @Option(help: "How the key is found: classifier or profile. [analysis.key]")
    var key: String?

    @Option(help: "The key classifier's weight file (default: the one installed with samplemind). [analysis.key_model]")
    var keyModel: String?

    func overrides(into values: inout [String: ConfigurationValue]) {
        if let key { values["analysis.key"] = .string(key) }
        if let keyModel { values["analysis.key_model"] = .string(keyModel) }
        if let detector { values["analysis.detector"] = .string(detector) }
        if let model { values["analysis.model"] = .string(model) }
        if let beatDecoder { values["analysis.beat_decoder"] = .string(beatDecoder) }
        if let realtimePriority { values["analysis.realtime_priority"] = .integer(realtimePriority) }
        if let meter { values["analysis.beats_per_bar"] = .integer(meter) }
    }
}
