import ArgumentParser
import SampleMindDaemon

@main
struct SampleMindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samplemind",
        abstract: "Real-time audio analysis: onsets, tempo and beats, key and loudness.",
        version: SampleMindVersion.current,
        subcommands: [AnalyzeCommand.self, FeaturesCommand.self, ServeCommand.self, SegmentsCommand.self, CollectCommand.self, CheckConfigCommand.self, DemoCommand.self, VersionCommand.self]
    )
}
