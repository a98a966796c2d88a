import ArgumentParser
import Foundation
import SampleMindAnalysis
import SampleMindOffline
import SampleMindValidation

/// Writes the trained network's input for sound files: the numbers the daemon's own front-end
/// computes, so training sees exactly what the analyzer later sees live.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Write the network's input features of sound files, for training.",
        discussion: """
            For each file writes DIR/<name>.npy (a NumPy float32 array, one row per 10 ms hop: \
            \(Int(NetworkInput.bandsPerOctave)) log-frequency bands per octave from \(Int(NetworkInput.lowestHz)) Hz \
            to \(Int(NetworkInput.highestHz)) Hz, then each band's rise since the previous hop) and \
            DIR/<name>.json (sample rate, hop, window, frame rate, the time of the first frame, band centres, \
            feature version), and DIR/<name>.key.npy (the key classifier's input at every hop: the averaged \
            pitch-class profile and the bass's, 24 values). Files below \(Int(NetworkInput.minimumSampleRate.rounded(.up))) Hz are refused: \
            the bands would not reach \(Int(NetworkInput.highestHz)) Hz. A file that cannot be read is \
            reported and the others are still written; the exit status is then 1.
            """
    )

    @Option(name: .shortAndLong, help: "Directory for <name>.npy and <name>.json (created if missing).")
    var output: String

    @Argument(help: "Sound files (WAV, FLAC, AIFF, Ogg Vorbis, …).")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one sound file") }
    }

    func run() throws {
        try OutputDirectory.create(output)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var claimedNames: [String: String] = [:]
        var failures = 0
        for file in files {
            do {
                try write(file, encoder: encoder, claimedNames: &claimedNames)
            } catch {
                failures += 1
                StandardError.write("samplemind: \(error)")
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    private func write(_ file: String, encoder: JSONEncoder, claimedNames: inout [String: String]) throws {
        let name = try OutputDirectory.claim(name: file, in: &claimedNames)
        let features = try NetworkFeatures.extract(path: file)
        let directory = URL(fileURLWithPath: output)
        let array = directory.appendingPathComponent("\(name).npy")
        let description = directory.appendingPathComponent("\(name).json")
        let keyArray = directory.appendingPathComponent("\(name).key.npy")
        let frames = features.description.frames
        let data = NumpyArray.encode(features.values, rows: frames, columns: features.description.valuesPerFrame)
        let keyData = NumpyArray.encode(features.keyValues, rows: frames, columns: features.description.keyValuesPerFrame)
        for (target, bytes) in [(array, data), (keyArray, keyData), (description, try encoder.encode(features.description))] {
            do {
                try bytes.write(to: target, options: .atomic)
            } catch {
                throw CommandFailure("\(PrintableText.escaped(target.path)): cannot write the features (\(error.localizedDescription))")
            }
        }
    }
}
