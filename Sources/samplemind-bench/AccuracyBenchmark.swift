import Foundation
import SampleMindOffline

/// Runs `analyze` over every file of the corpus, writes predictions where score.py expects them,
/// scores them, and prints the figures beside the peers'. Skips with a message when the corpus
/// or the scorer's Python is absent (a user's fresh clone has neither).
enum AccuracyBenchmark {
    static func run(arguments: BenchCommand) {
        let manager = FileManager.default
        guard manager.fileExists(atPath: arguments.corpus) else {
            print("Accuracy: skipped — no corpus at \(arguments.corpus) (it lives in ../shared beside the repository).")
            return
        }
        guard manager.isExecutableFile(atPath: arguments.python) else {
            print("Accuracy: skipped — no Python with mir_eval at \(arguments.python); scripts/bench creates it.")
            return
        }
        let predictions = arguments.keep ?? manager.temporaryDirectory
            .appendingPathComponent("samplemind-predictions-\(getpid())").path
        defer { if arguments.keep == nil { try? manager.removeItem(atPath: predictions) } }

        var audioSeconds = 0.0, processingSeconds = 0.0
        let groups = ((try? manager.contentsOfDirectory(atPath: arguments.corpus)) ?? []).sorted()
        for group in groups {
            let folder = "\(arguments.corpus)/\(group)"
            let files = ((try? manager.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".flac") || $0.hasSuffix(".wav") }.sorted()
            guard !files.isEmpty else { continue }
            try? manager.createDirectory(atPath: "\(predictions)/\(group)", withIntermediateDirectories: true)
            for file in files {
                let id = (file as NSString).deletingPathExtension
                do {
                    let result = try FileAnalysis.run(path: "\(folder)/\(file)")
                    audioSeconds += result.durationSeconds
                    processingSeconds += result.processingSeconds
                    let data = try JSONEncoder().encode(result)
                    try data.write(to: URL(fileURLWithPath: "\(predictions)/\(group)/\(id).json"))
                } catch {
                    print("  \(group)/\(file): \(error)")
                }
            }
        }
        print(String(format: "Accuracy on %@ (%.0f s of audio, analysed at %.0f× realtime)",
                     arguments.corpus, audioSeconds, audioSeconds / max(processingSeconds, 1e-9)))
        let scores = "\(predictions)/scores.json"
        fflush(nil)
        let status = runProcess(arguments.python, [arguments.scorer, "--pred", predictions, "--truth", arguments.corpus,
                                                   "--json", scores])
        guard status == 0 else {
            print("  the scorer failed (exit \(status)); is mir_eval installed for \(arguments.python)?")
            return
        }
        if let peers = try? String(contentsOfFile: arguments.baseline, encoding: .utf8) {
            print("\nPeers (\(arguments.baseline)):")
            for line in peers.split(separator: "\n") where line.hasPrefix("| ") && !line.contains("---") {
                print("  \(line)")
            }
        }
    }

    static func runProcess(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        do {
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        } catch {
            print("  cannot run \(executable): \(error.localizedDescription)")
            return -1
        }
    }
}
