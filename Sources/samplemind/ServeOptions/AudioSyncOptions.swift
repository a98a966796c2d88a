import ArgumentParser
import SampleMindConfiguration

/// WLED Audio Sync.
struct AudioSyncOptions: ServeOptionGroup {
    @Flag(help: "Send WLED Audio Sync v2 packets. [wled.enabled]")
    var wled = false

    @Option(name: .customLong("wled-target"), help: "Send Audio Sync to HOST:PORT instead of multicast (repeatable). [wled.targets]")
    var wledTargets: [String] = []

    @Option(help: "Audio Sync packets per second (1–200). [wled.rate_hz]")
    var wledRateHz: Double?

    @Option(help: "Send each beat's peak packet this many milliseconds early (0–500). [wled.lead_ms]")
    var wledLeadMs: Int?

    func overrides(into values: inout [String: ConfigurationValue]) {
        if wled { values["wled.enabled"] = .boolean(true) }
        if !wledTargets.isEmpty { values["wled.targets"] = .strings(wledTargets) }
        if let wledRateHz { values["wled.rate_hz"] = .number(wledRateHz) }
        if let wledLeadMs { values["wled.lead_ms"] = .integer(wledLeadMs) }
    }
}
