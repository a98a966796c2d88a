import ArgumentParser
import SampleMindConfiguration

/// Ableton Link.
struct LinkOptions: ServeOptionGroup {
    @Flag(help: "Join an Ableton Link session on the local network. [link.enabled]")
    var link = false

    @Option(help: "lead: the session follows the tracked beat; follow: the tracker takes the session's tempo. [link.mode]")
    var linkMode: String?

    @Option(help: "Added to each detected beat's time on Link's timeline, in ms (-500–500). [link.offset_ms]")
    var linkOffsetMs: Int?

    func overrides(into values: inout [String: ConfigurationValue]) {
        if link { values["link.enabled"] = .boolean(true) }
        if let linkMode { values["link.mode"] = .string(linkMode) }
        if let linkOffsetMs { values["link.offset_ms"] = .integer(linkOffsetMs) }
    }
}
