import ArgumentParser
import SampleMindConfiguration

struct LogOptions: ServeOptionGroup {
    @Option(help: "Least important messages logged: debug, info, warning, error. [log.level]")
    var logLevel: String?

    @Option(help: "Log format: text or json. [log.format]")
    var logFormat: String?

    func overrides(into values: inout [String: ConfigurationValue]) {
        if let logLevel { values["log.level"] = .string(logLevel) }
        if let logFormat { values["log.format"] = .string(logFormat) }
    }
}
