import Foundation
import SampleMindAudioFile
import SampleMindOffline
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// A mono test song of known tempo and key, written to a file, and what `analyze` says of it.
struct TestSong {
    static let bpm = 120.0
    static let key = "A minor"
    let path: String
    let expected: FileAnalysisResult

    init(seconds: Double, sampleRate: Double = 48_000, in scratch: ScratchDirectory, name: String = "song.wav") throws {
        let song = Percussion.drumPattern(bpm: Self.bpm, seconds: seconds, sampleRate: sampleRate)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: seconds, sampleRate: sampleRate))
        path = scratch.file(name)
        try AudioFileWriter.write(song.samples, sampleRate: Int(sampleRate), channelCount: 1, to: path, encoding: .wavFloat)
        expected = try FileAnalysis.run(path: path)
    }
}

/// The lines `serve --print` wrote, parsed.
struct PrintedStream {
    let lines: [[String: Any]]

    init(_ text: String) {
        lines = text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func of(_ type: String) -> [[String: Any]] { lines.filter { $0["type"] as? String == type } }

    /// The last frame that carries a tempo and a key.
    var lastTunedFrame: [String: Any]? {
        of("frame").last { ($0["tempo_bpm"] as? Double ?? 0) > 0 && $0["key"] is String }
    }
}

/// Starts `samplemind serve` with `arguments` and the given environment.
func startDaemon(_ arguments: [String], environment: [String: String] = [:], in scratch: ScratchDirectory,
                 label: String = "daemon") throws -> ChildProcess {
    try ChildProcess(SampleMindBinary.url.path, ["serve", "--print", "--realtime-priority", "0", "--port", "0"] + arguments,
                     environment: environment, label: label, in: scratch)
}
