import ArgumentParser
import Foundation
import SampleMindConfiguration
import SampleMindDaemon

/// `samplemind serve`: the command line's options → the configuration → ``Daemon/run()``.
/// Each service's flags are an option group of their own (ServeOptions/).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the live daemon: capture from JACK, ALSA or a file and analyse in real time.",
        discussion: """
            --input auto (the default) uses JACK if a server answers, else the ALSA default device if it
            opens, else — only when started from a terminal — SampleMind's demo music. With --print, events
            and one frame per second are written to standard output as JSON Lines. SIGINT or SIGTERM stop it.
            Exit status: 0 when stopped by a signal, 78 when the configuration cannot work, 69 when something
            it needs is unavailable at start (the port in use, the database not writable).
            """
    )

    // Every option overrides the configuration file and the environment (see check-config).

    @Option(help: "Configuration file (TOML; default: $SAMPLEMIND_CONFIG if set). See config/samplemind.toml.")
    var config: String?

    @OptionGroup(title: "Input") var input: InputOptions
    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
    @OptionGroup(title: "Stream, API and dashboard") var server: ServerOptions
    @OptionGroup(title: "Segment storage") var storage: StorageOptions
    @OptionGroup(title: "MQTT out") var mqtt: MQTTOptions
    @OptionGroup(title: "Performer outputs (OSC, MIDI clock)") var performer: PerformerOptions
    @OptionGroup(title: "WLED Audio Sync") var audioSync: AudioSyncOptions
    @OptionGroup(title: "Ableton Link") var link: LinkOptions
    @OptionGroup(title: "Logging") var logging: LogOptions

    @Flag(help: "Write events and a frame per second to standard output as JSON Lines.")
    var print = false

    @Option(help: ArgumentHelp("For tests: make the analysis thread hang after this many seconds.", visibility: .hidden))
    var testStallAnalysisAfter: Double?

    /// The command line's values by configuration key.
    var overrides: [String: ConfigurationValue] {
        var values: [String: ConfigurationValue] = [:]
        let groups: [any ServeOptionGroup] = [input, analysis, server, storage, performer, mqtt, audioSync, link, logging]
        for group in groups { group.overrides(into: &values) }
        return values
    }

    /// The configuration from defaults, the file, the environment and these flags.
    func loadOptions() throws(ConfigurationError) -> LoadedConfiguration {
        let environment = ProcessInfo.processInfo.environment
        return try ConfigurationLoader.load(filePath: config ?? environment["SAMPLEMIND_CONFIG"], environment: environment,
                                            overrides: overrides)
    }

    func run() throws {
        let options: LoadedConfiguration
        do { options = try loadOptions() } catch {
            StandardError.write("samplemind: configuration: \(error)")
            throw ExitCode(ConfigurationError.exitStatus)
        }
        var launch = Daemon.Launch(reloadOptions: { [self] in try loadOptions() })
        launch.print = print
        launch.stallAnalysisAfterSeconds = testStallAnalysisAfter
        do {
            try Daemon(options: options, launch: launch).run()
        } catch {
            StandardError.write("samplemind: \(error)")
            throw ExitCode(error.exitStatus)
        }
    }
}
