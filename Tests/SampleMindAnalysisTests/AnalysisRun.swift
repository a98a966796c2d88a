import SampleMindAnalysis
import SampleMindSynthesis

/// Everything an analyzer emitted over a signal, for assertions.
struct AnalysisRun {
    var onsets: [Double] = []
    var beats: [(time: Double, barPosition: Int)] = []
    var tempoEvents: [(time: Double, bpm: Float)] = []
    var keyEvents: [(time: Double, key: MusicalKey)] = []
    var frames: [FeatureFrame] = []

    var beatTimes: [Double] { beats.map(\.time) }
    var lastFrame: FeatureFrame { frames.last ?? FeatureFrame() }

    /// Frames at or after `seconds`.
    func frames(after seconds: Double) -> [FeatureFrame] { frames.filter { $0.timeSeconds >= seconds } }

    /// Runs a fresh analyzer over interleaved samples (zero-padded to whole hops).
    static func analyse(
        _ interleaved: [Float], sampleRate: Double, channelCount: Int = 1,
        configure: (inout AnalyzerConfiguration) -> Void = { _ in }
    ) throws -> AnalysisRun {
        var configuration = AnalyzerConfiguration(sampleRate: sampleRate, channelCount: channelCount)
        configure(&configuration)
        let analyzer = try Analyzer(configuration: configuration)
        var run = AnalysisRun()
        let block = analyzer.samplesPerBlock
        var padded = interleaved
        padded += [Float](repeating: 0, count: (block - padded.count % block) % block + 4 * block)
        padded.withUnsafeBufferPointer { samples in
            for start in stride(from: 0, to: samples.count, by: block) {
                analyzer.process(UnsafeBufferPointer(rebasing: samples[start..<(start + block)]))
                run.frames.append(analyzer.frame)
                for event in analyzer.events {
                    switch event {
                    case .onset(let time, _): run.onsets.append(time)
                    case .beat(let time, _, let position, _): run.beats.append((time, position))
                    case .tempo(let time, let bpm, _): run.tempoEvents.append((time, bpm))
                    case .key(let time, let key, _): run.keyEvents.append((time, key))
                    }
                }
            }
        }
        return run
    }

    static func analyse(_ signal: Signal, configure: (inout AnalyzerConfiguration) -> Void = { _ in }) throws -> AnalysisRun {
        try analyse(signal.samples, sampleRate: signal.sampleRate, configure: configure)
    }
}
