import Foundation
import Glibc
import SampleMindAudioFile
import SampleMindSynthesis

/// What the analysis costs with the network on, beside the tools people compare it with, all in
/// one run on the same files:
/// (a) `samplemind analyze` against librosa 0.11.0's beat tracker as a user calls it
///     (`librosa.load(path)`, its default resampling, then `beat_track`, timed together, one
///     thread), on a 44.1 kHz stereo FLAC of 4 min 10 s, best of 3 after one warm-up;
/// (b) instructions per second of audio under `valgrind --tool=callgrind`, on a copy of the
///     binary without debug info (`objcopy --strip-debug`), start-up subtracted by analysing a
///     0.1 s and a 20 s cut of the same music, beside aubio's `aubioonset` and `aubiotrack`.
/// The live CPU share at 48 kHz with the network is in the `live` benchmark.
enum CostBenchmark {
    static func run(samplemind: String, python: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-cost-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        print("Cost of the analysis (release build; one thread each)")
        guard let long = write(seconds: 250, to: "\(scratch)/long.flac"),
              let short = write(seconds: 0.1, to: "\(scratch)/cut-0.1.wav"),
              let cut = write(seconds: 20, to: "\(scratch)/cut-20.wav")
        else { return }
        speedBesideLibrosa(samplemind: samplemind, python: python, file: long)
        instructions(samplemind: samplemind, short: short, long: cut, scratch: scratch)
    }

    private static func write(seconds: Double, to path: String) -> String? {
        let rate = 44_100.0
        let music = Percussion.drumPattern(bpm: 124, seconds: max(seconds, 0.5), sampleRate: rate)
            .mixed(with: Harmony.progression(tonic: 2, minor: false, seconds: max(seconds, 0.5), sampleRate: rate))
        let stereo = Array(music.stereo().prefix(Int(seconds * rate) * 2))
        do {
            try AudioFileWriter.write(stereo, sampleRate: Int(rate), channelCount: 2, to: path,
                                      encoding: path.hasSuffix(".flac") ? .flac16 : .wav16)
            return path
        } catch {
            print("  cannot write the benchmark music: \(error)")
            return nil
        }
    }

    /// Seconds of the best of three runs of `arguments` after one warm-up, or nil.
    private static func bestOfThree(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) -> Double? {
        var best = Double.infinity
        for round in 0..<4 {
            let started = DispatchTime.now().uptimeNanoseconds
            guard quietRun(executable, arguments, environment: environment) == 0 else { return nil }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if round > 0 { best = min(best, seconds) }
        }
        return best
    }

    @discardableResult
    private static func quietRun(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    private static func speedBesideLibrosa(samplemind: String, python: String, file: String) {
        let audioSeconds = 250.0
        let oneThread = ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"]
        let librosaScript = "import sys, librosa\ny, sr = librosa.load(sys.argv[1])\nlibrosa.beat.beat_track(y=y, sr=sr)\n"
        guard quietRun(python, ["-c", "import librosa; assert librosa.__version__ == '0.11.0', librosa.__version__"]) == 0 else {
            print("  (a) skipped: librosa 0.11.0 is not installed for \(python) (pip install librosa==0.11.0)")
            return
        }
        let librosa = bestOfThree(python, ["-c", librosaScript, file], environment: oneThread)
        for (name, arguments) in setUps {
            guard let ours = bestOfThree(samplemind, ["analyze"] + arguments + [file], environment: oneThread),
                  let librosa
            else {
                print("  (a) \(name): a run failed")
                continue
            }
            print(String(format: "  (a) %@ on 250 s of 44.1 kHz stereo FLAC: %.0f× realtime; librosa 0.11.0 load + beat_track: %.0f× realtime; ratio %.2f",
                         name, audioSeconds / ours, audioSeconds / librosa, librosa / ours))
        }
    }

    /// What `analyze` is measured with: the default (network onsets, the DSP beat trackers), the
    /// network's own beats, and signal processing alone.
    private static let setUps: [(name: String, arguments: [String])] = [
        ("analyze (default: network onsets, onset-function beats)", []),
        ("analyze --beat-decoder bar-pointer", ["--beat-decoder", "bar-pointer"]),
        ("analyze --detector dsp", ["--detector", "dsp"]),
    ]

    private static func instructions(samplemind: String, short: String, long: String, scratch: String) {
        guard quietRun("/usr/bin/env", ["valgrind", "--version"]) == 0 else {
            print("  (b) skipped: valgrind is not installed")
            return
        }
        let stripped = "\(scratch)/samplemind-stripped"
        guard quietRun("/usr/bin/env", ["objcopy", "--strip-debug", samplemind, stripped]) == 0 else {
            print("  (b) skipped: objcopy could not copy \(samplemind)")
            return
        }
        // The stripped copy finds its resource bundles beside itself.
        let binDirectory = (samplemind as NSString).deletingLastPathComponent
        for bundle in (try? FileManager.default.contentsOfDirectory(atPath: binDirectory)) ?? [] where bundle.hasSuffix(".resources") {
            try? FileManager.default.copyItem(atPath: "\(binDirectory)/\(bundle)", toPath: "\(scratch)/\(bundle)")
        }
        var tools = setUps.map { ($0.name, stripped, ["analyze"] + $0.arguments) }
        let ours = tools.count
        for tool in ["aubioonset", "aubiotrack"] {
            if quietRun("/usr/bin/env", ["which", tool]) == 0 { tools.append((tool, "/usr/bin/\(tool)", ["-i"])) }
        }
        if tools.count == ours { print("  (b) aubio-tools is not installed: SampleMind only") }
        for (name, executable, arguments) in tools {
            guard let few = callgrind(executable, arguments + [short], scratch: scratch),
                  let many = callgrind(executable, arguments + [long], scratch: scratch)
            else {
                print("  (b) \(name): callgrind failed")
                continue
            }
            print(String(format: "  (b) %@: %.1f M instructions per second of audio (start-up, %.0f M, subtracted)",
                         name, Double(many - few) / 19.9 / 1e6, Double(few) / 1e6))
        }
    }

    /// Instructions callgrind counted for one run, or nil.
    private static func callgrind(_ executable: String, _ arguments: [String], scratch: String) -> Int? {
        let out = "\(scratch)/callgrind.out"
        try? FileManager.default.removeItem(atPath: out)
        guard quietRun("/usr/bin/env", ["valgrind", "--tool=callgrind", "--callgrind-out-file=\(out)", executable] + arguments) == 0,
              let text = try? String(contentsOfFile: out, encoding: .utf8)
        else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("summary:") || line.hasPrefix("totals:") {
            if let value = Int(line.split(separator: " ").last ?? "") { return value }
        }
        return nil
    }
}
