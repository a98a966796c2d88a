import ArgumentParser
import SampleMindAnalysis
import SampleMindAudioFile
import SampleMindCapture
import SampleMindDaemon
import SampleMindDSP
import SampleMindMQTT
import SampleMindPerformance
import SampleMindStorage
import SampleMindStreaming

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print SampleMind's version and the versions of the libraries it runs on (for bug reports)."
    )

    /// Each wrapper module names its own library's version.
    func run() {
        let lines = [
            "samplemind \(SampleMindVersion.current)",
            FFTWVersion.description, SndFileVersion.description, Ebur128Version.description, JACKVersion.description,
            ALSAVersion.description, WebSocketsVersion.description, SQLiteVersion.description, LibloVersion.description,
            MosquittoLibrary.description,
        ]
        print(lines.joined(separator: "\n"))
    }
}
