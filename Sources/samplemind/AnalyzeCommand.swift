import ArgumentParser
import Foundation
import SampleMindAnalysis
import SampleMindModels
import SampleMindOffline
import SampleMindProtocol
import SampleMindValidation

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse sound files with the same causal analyzer the daemon runs live.",
        discussion: """
            Writes one JSON result per file: duration_s, sample_rate, tempo_bpm, beats, downbeats, onsets, key,
            loudness_integrated_lufs and a feature summary. Without --output the results go to
            standard output, one JSON object per line. A file that cannot be analysed is reported on
            standard error and the others are still analysed; the exit status is then 1.
            """
    )

    @Option(name: .shortAndLong, help: "Write DIR/<file name without extension>.json for each input.")
    var output: String?

    @Flag(help: "Also write every feature frame as JSON Lines (DIR/<name>.frames.jsonl, or standard output).")
    var frames = false

    @Option(help: "Hop size in samples (default: 10 ms at the file's rate).")
    var hop: Int?

    @Option(help: "FFT window in samples (default: about 46 ms, a power of two).")
    var window: Int?

    @Option(help: "Analyse only this channel (1 = first) instead of all channels combined.")
    var channel: Int?

    @Option(help: "How the key is found: classifier (the trained key classifier, which also reads the bass; the default) or profile (correlation with --key-profile; the default when --key-profile is given).")
    var key: String?

    @Option(help: "The key classifier's weight file (default: the one installed with samplemind).")
    var keyModel: String?

    @Option(help: "Key profile for --key profile: \(KeyProfile.allCases.map(\.rawValue).joined(separator: ", ")).")
    var keyProfile: String?

    @Option(help: "Onset, beat and downbeat detector: network (the trained network, the default; falls back to dsp where it cannot run) or dsp (signal processing only).")
    var detector: String = Detector.network.rawValue

    @Option(help: "The network's weight file (default: the one installed with samplemind).")
    var model: String?

    @Option(help: "Where beats come from with the network: onset-function (the DSP trackers on their own onset function; the network gives the onsets; the default), bar-pointer (the network's activations decoded for tempo, bar and meter together) or cumulative-score (the DSP trackers on the network's activations, for comparison).")
    var beatDecoder: String?

    @Flag(help: "Indent the JSON.")
    var pretty = false

    @Argument(help: "Sound files (WAV, FLAC, AIFF, Ogg Vorbis, …).")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one sound file to analyse") }
        if let channel, channel < 1 { throw ValidationError("--channel counts from 1, got \(channel)") }
        if let hop, hop < 1 { throw ValidationError("--hop must be a positive number of samples, got \(hop)") }
        if let window, window < 1 { throw ValidationError("--window must be a positive number of samples, got \(window)") }
        guard Detector(rawValue: detector) != nil else {
            throw ValidationError("unknown detector '\(detector)'; use \(Detector.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        if let beatDecoder, BeatDecoder(rawValue: beatDecoder) == nil {
            throw ValidationError("unknown beat decoder '\(beatDecoder)'; use \(BeatDecoder.choices)")
        }
        if Detector(rawValue: detector) == .dsp, model != nil || beatDecoder != nil {
            throw ValidationError(
                "--model and --beat-decoder choose the network's weights and decoder, and the detector is dsp; "
                    + "add --detector network to use them, or leave them out")
        }
        if let keyProfile, KeyProfile(rawValue: keyProfile) == nil {
            throw ValidationError("unknown key profile '\(keyProfile)'; use one of: \(KeyProfile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let key, KeyEstimator(rawValue: key) == nil {
            throw ValidationError("unknown key estimator '\(key)'; use \(KeyEstimator.allCases.map(\.rawValue).joined(separator: " or "))")
        }
        let estimator = keyEstimator
        if estimator == .profile, keyModel != nil {
            throw ValidationError("--key-model chooses the key classifier's weights and --key is profile; "
                + "add --key classifier to use them, or leave --key-model out")
        }
        if estimator == .classifier, keyProfile != nil {
            throw ValidationError("--key-profile is for --key profile; the classifier has no profile to choose")
        }
    }

    /// The estimator asked for, or implied: a key profile asks for the profile.
    private var keyEstimator: KeyEstimator {
        key.flatMap(KeyEstimator.init(rawValue:)) ?? (keyProfile == nil ? .classifier : .profile)
    }

    func run() throws {
        var options = FileAnalysis.Options()
        options.hopSize = hop
        options.windowSize = window
        options.keyProfile = keyProfile.flatMap(KeyProfile.init(rawValue:)) ?? .temperley
        if let channel { options.channels = .single(channel - 1) }
        options.detector = Detector(rawValue: detector) ?? .dsp
        options.beatDecoder = beatDecoder.flatMap(BeatDecoder.init(rawValue:)) ?? .onsetFunction
        if options.detector == .network {
            do { options.network = try DetectorWeights.load(model) } catch {
                throw CommandFailure("\(error); or use --detector dsp (the signal-processing detectors)")
            }
        }

        if keyEstimator == .classifier {
            do { options.keyModel = try KeyWeights.load(keyModel) } catch {
                throw CommandFailure("\(error); or use --key profile (correlation with a key profile)")
            }
        }

        if let output {
            try OutputDirectory.create(output)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        var claimedNames: [String: String] = [:]
        var failures = 0
        for file in files {
            do {
                try analyse(file, options: options, encoder: encoder, claimedNames: &claimedNames)
            } catch {
                failures += 1
                StandardError.write("samplemind: \(error)")
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    private func analyse(
        _ file: String, options: FileAnalysis.Options, encoder: JSONEncoder, claimedNames: inout [String: String]
    ) throws {
        guard let output else {
            let result = try FileAnalysis.run(path: file, options: options, hopHandler: frames ? { analyzer in
                StandardOutput.write(FrameJSON.encode(analyzer.frame))
            } : nil)
            reportFallback(result)
            StandardOutput.write(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        let name = try OutputDirectory.claim(name: file, in: &claimedNames)
        let directory = URL(fileURLWithPath: output)
        let frameWriter = frames ? try LineWriter(path: directory.appendingPathComponent("\(name).frames.jsonl").path) : nil
        let result = try FileAnalysis.run(path: file, options: options, hopHandler: frameWriter.map { writer in
            { analyzer in writer.write(FrameJSON.encode(analyzer.frame)) }
        })
        reportFallback(result)
        try frameWriter?.close()
        let target = directory.appendingPathComponent("\(name).json")
        do {
            try encoder.encode(result).write(to: target, options: .atomic)
        } catch {
            throw CommandFailure("\(PrintableText.escaped(target.path)): cannot write the result (\(error.localizedDescription))")
        }
    }

    /// The network was asked for and could not run on this file: say why, once per file.
    private func reportFallback(_ result: FileAnalysisResult) {
        guard let reason = result.detectorFallbackReason else { return }
        StandardError.write("samplemind: \(PrintableText.escaped(result.file)): analysed with the DSP detectors: \(reason)")
    }
}
