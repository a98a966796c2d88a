import Foundation
import SampleMindAnalysis
import SampleMindAudioFile
import SampleMindInference
import SampleMindModels
import SampleMindOffline
import SampleMindSynthesis

/// Realtime factor of the analyzer (audio seconds per second of processing) on one core, with
/// every feature on, for 44.1 kHz stereo: the analyzer alone on samples in memory, and
/// `analyze` end to end on a FLAC file (decoding included).
enum SpeedBenchmark {
    static func run(seconds: Double) {
        let rate = 44_100.0
        let music = Percussion.drumPattern(bpm: 124, seconds: seconds, sampleRate: rate)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: seconds, sampleRate: rate))
        let stereo = music.stereo()

        print("Speed (release build, one core, 44.1 kHz stereo, every feature on, \(Int(seconds)) s of generated music)")
        let weights = BenchWeights.detector
        var setups: [(name: String, configure: (inout AnalyzerConfiguration) -> Void)] = [("DSP detectors", { _ in })]
        if let weights {
            setups.append(("network + bar-pointer decoder", { $0.detector = .network; $0.network = weights }))
        }
        for setup in setups {
            var configuration = AnalyzerConfiguration(sampleRate: rate, channelCount: 2)
            setup.configure(&configuration)
            guard let analyzer = try? Analyzer(configuration: configuration) else {
                print("speed: the analyzer could not be set up")
                return
            }
            let block = analyzer.samplesPerBlock
            let blocks = stereo.count / block
            var best = Double.infinity
            stereo.withUnsafeBufferPointer { samples in
                for _ in 0..<3 {
                    let start = DispatchTime.now().uptimeNanoseconds
                    for b in 0..<blocks {
                        analyzer.process(UnsafeBufferPointer(rebasing: samples[(b * block)..<((b + 1) * block)]))
                    }
                    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                }
            }
            let audioSeconds = Double(blocks * configuration.hopSize) / rate
            let perHopMicroseconds = best / Double(blocks) * 1e6
            print(String(format: "  analyzer alone, %@: %7.1f× realtime (%.1f µs per %d-sample hop, %.2f %% of the hop's duration)",
                         setup.name, audioSeconds / best, perHopMicroseconds, configuration.hopSize,
                         perHopMicroseconds / (Double(configuration.hopSize) / rate * 1e6) * 100))
        }

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-bench-\(getpid()).flac").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try AudioFileWriter.write(stereo, sampleRate: Int(rate), channelCount: 2, to: path, encoding: .flac16)
            let result = try FileAnalysis.run(path: path)
            print(String(format: "  analyze (FLAC decode), DSP detectors: %7.1f× realtime", result.durationSeconds / result.processingSeconds))
            if let weights {
                var options = FileAnalysis.Options()
                options.detector = .network
                options.network = weights
                let networked = try FileAnalysis.run(path: path, options: options)
                print(String(format: "  analyze (FLAC decode), network:       %7.1f× realtime",
                             networked.durationSeconds / networked.processingSeconds))
            }
        } catch {
            print("  analyze end to end: failed: \(error)")
        }
    }
}
