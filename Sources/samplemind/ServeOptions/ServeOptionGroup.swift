import ArgumentParser
import SampleMindConfiguration

/// A service's flags on `serve`: each is the configuration key named in its help, and overrides
/// the file and the environment. A new service adds one such group to ``ServeCommand``.
protocol ServeOptionGroup: ParsableArguments {
    /// The flags given, by configuration key.
    func overrides(into values: inout [String: ConfigurationValue])
}
