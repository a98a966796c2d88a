import ArgumentParser
import Foundation
import SampleMindConfiguration
import SampleMindValidation

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and print the effective configuration, with where each value came from.",
        discussion: "Precedence: built-in defaults < the file < SAMPLEMIND_… environment variables. Exit status 78 when something is wrong."
    )

    @Argument(help: "The configuration file (default: $SAMPLEMIND_CONFIG, else none).")
    var file: String?

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        do {
            let loaded = try ConfigurationLoader.load(filePath: file ?? environment["SAMPLEMIND_CONFIG"], environment: environment,
                                                      overrides: [:])
            print("# effective configuration" + (loaded.filePath.map { " (file: \(PrintableText.escaped($0)))" } ?? " (no file)"))
            print(loaded.report)
        } catch {
            StandardError.write("samplemind: configuration: \(error)")
            throw ExitCode(ConfigurationError.exitStatus)
        }
    }
}
