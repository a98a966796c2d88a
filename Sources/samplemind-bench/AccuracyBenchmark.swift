import Foundation
import SampleMindAnalysis
import SampleMindInference
import SampleMindModels
import SampleMindOffline

/// Runs `analyze` over every file of the corpus, once per set-up (the ablation: the DSP
/// detectors; the network with the DSP tempo and beat trackers; the network with the bar-pointer
/// decoder; each with the key classifier, as analyze runs by default; and the DSP detectors with
/// the key profile instead), writes predictions where score.py expects them, scores them, and prints the figures
/// beside the peers'. Skips with a message when the corpus or the scorer's Python is absent (a
/// user's fresh clone has neither).
enum AccuracyBenchmark {
    struct Variant {
        var name: String
        var options: FileAnalysis.Options
    }

    static func variants() -> [Variant] {
        var profile = FileAnalysis.Options()
        profile.detector = .dsp
        var found = [Variant(name: "samplemind-dsp-key-profile", options: profile)]
        var dsp = profile
        dsp.keyModel = BenchWeights.key
        if dsp.keyModel != nil { found.append(Variant(name: "samplemind-dsp", options: dsp)) }
        guard let weights = BenchWeights.detector else { return found }
        for decoder in [BeatDecoder.cumulativeScore, .barPointer, .onsetFunction] {
            var options = dsp
            options.detector = .network
            options.network = weights
            options.beatDecoder = decoder
            found.append(Variant(name: "samplemind-network-\(decoder.rawValue)", options: options))
        }
        return found
    }

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

        var folders: [String] = []
        for variant in variants() {
            let folder = "\(predictions)/\(variant.name)"
            let (audioSeconds, processingSeconds) = predict(variant, corpus: arguments.corpus, into: folder)
            print(String(format: "Accuracy of %@ on %@ (%.0f s of audio, analysed at %.0f× realtime)",
                         variant.name, arguments.corpus, audioSeconds, audioSeconds / max(processingSeconds, 1e-9)))
            folders.append(folder)
        }
        fflush(nil)
        // One scorer run: one table, a row per set-up and group; per-file results in scores.json.
        let status = runProcess(arguments.python, [arguments.scorer, "--pred"] + folders
                                    + ["--truth", arguments.corpus, "--json", "\(predictions)/scores.json"])
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

    /// Analyses every corpus file with `variant`; returns seconds of audio and of processing.
    private static func predict(_ variant: Variant, corpus: String, into predictions: String) -> (Double, Double) {
        let manager = FileManager.default
        var audioSeconds = 0.0, processingSeconds = 0.0
        let groups = ((try? manager.contentsOfDirectory(atPath: corpus)) ?? []).sorted()
        for group in groups {
            let folder = "\(corpus)/\(group)"
            let files = ((try? manager.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".flac") || $0.hasSuffix(".wav") }.sorted()
            guard !files.isEmpty else { continue }
            try? manager.createDirectory(atPath: "\(predictions)/\(group)", withIntermediateDirectories: true)
            for file in files {
                let id = (file as NSString).deletingPathExtension
                do {
                    let result = try FileAnalysis.run(path: "\(folder)/\(file)", options: variant.options)
                    audioSeconds += result.durationSeconds
                    processingSeconds += result.processingSeconds
                    let data = try JSONEncoder().encode(result)
                    try data.write(to: URL(fileURLWithPath: "\(predictions)/\(group)/\(id).json"))
                } catch {
                    print("  \(group)/\(file): \(error)")
                }
            }
        }
        return (audioSeconds, processingSeconds)
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
