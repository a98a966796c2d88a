import Foundation
import SampleMindAnalysis

/// Gathers what the analyzer emits over a file into a ``FileAnalysisResult``.
struct ResultAccumulator {
    /// Width of the tempo histogram's bins, as a ratio (1 %).
    static let tempoBinRatio = 1.01

    let configuration: AnalyzerConfiguration
    let durationSeconds: Double
    private var onsets: [Double] = []
    private var beats: [Double] = []
    private var downbeats: [Double] = []
    private var tempoWeights: [Int: (weight: Double, weightedBPM: Double)] = [:]
    private var keyWeights: [Int: Double] = [:]
    private var meterFrames: [Int: Int] = [:]
    /// While each key was shown: how long each other key was the runner-up, and the margin summed
    /// over that time (both weighted by confidence, like the key itself).
    private var runnerUpWeights: [Int: [Int: Double]] = [:]
    private var marginSums: [Int: Double] = [:]
    private var frames = 0
    private var sums = (rms: 0.0, centroid: 0.0, rolloff: 0.0, flatness: 0.0, flux: 0.0)
    private var chroma = [Double](repeating: 0, count: 12)
    private var mfcc = [Double](repeating: 0, count: 13)
    private var peakDBFS: Float = -200
    private var lastFrame = FeatureFrame()
    private var integratedAtEnd: Float = -200

    init(configuration: AnalyzerConfiguration, durationSeconds: Double) {
        self.configuration = configuration
        self.durationSeconds = durationSeconds
    }

    mutating func add(_ frame: FeatureFrame, events: EventList) {
        for event in events {
            switch event {
            case .onset(let time, _) where time <= durationSeconds: onsets.append(time)
            case .beat(let time, _, let barPosition, _) where time <= durationSeconds:
                beats.append(time)
                if barPosition == 1 { downbeats.append(time) }
            default: break
            }
        }
        // Frames past the end are the flush: they carry events but no music.
        guard frame.timeSeconds - Double(configuration.hopSize) / configuration.sampleRate < durationSeconds else {
            return
        }
        let hopSeconds = Double(configuration.hopSize) / configuration.sampleRate
        if frame.tempoBPM > 0, frame.nextBeatSeconds >= 0 {
            meterFrames[Int(frame.beatsPerBar), default: 0] += 1
        }
        if frame.tempoBPM > 0 {
            let bin = Int((log(Double(frame.tempoBPM)) / log(Self.tempoBinRatio)).rounded())
            let weight = Double(frame.tempoConfidence) * hopSeconds
            let old = tempoWeights[bin] ?? (0, 0)
            tempoWeights[bin] = (old.weight + weight, old.weightedBPM + weight * Double(frame.tempoBPM))
        }
        if frame.keyIndex >= 0 {
            let key = Int(frame.keyIndex), weight = Double(frame.keyConfidence) * hopSeconds
            keyWeights[key, default: 0] += weight
            if frame.keyRunnerUpIndex >= 0 {
                runnerUpWeights[key, default: [:]][Int(frame.keyRunnerUpIndex), default: 0] += weight
                marginSums[key, default: 0] += Double(frame.keyMargin) * weight
            }
        }
        frames += 1
        sums.rms += Double(frame.rmsDBFS)
        sums.centroid += Double(frame.centroidHz)
        sums.rolloff += Double(frame.rolloffHz)
        sums.flatness += Double(frame.flatness)
        sums.flux += Double(frame.flux)
        for i in 0..<12 { chroma[i] += Double(frame.chroma[i]) }
        for i in 0..<13 { mfcc[i] += Double(frame.mfcc[i]) }
        peakDBFS = max(peakDBFS, frame.peakDBFS)
        lastFrame = frame
    }

    func result(
        file: String, channels: Int, delays: TrackerDelays, nonFiniteSamples: Int, detector: Detector,
        detectorFallbackReason: String?, processingSeconds: Double
    ) -> FileAnalysisResult {
        let n = Double(max(1, frames))
        // The tempo held longest: the heaviest 1 % bin together with its neighbours.
        var tempo: Double?
        if let (bin, _) = tempoWeights.max(by: { $0.value.weight < $1.value.weight }) {
            let around = (bin - 1...bin + 1).compactMap { tempoWeights[$0] }
            let weight = around.reduce(0) { $0 + $1.weight }
            if weight > 0 { tempo = around.reduce(0) { $0 + $1.weightedBPM } / weight }
        }
        let keyIndex = keyWeights.max(by: { $0.value < $1.value })?.key
        let runnerUp = keyIndex.flatMap { runnerUpWeights[$0]?.max(by: { $0.value < $1.value })?.key }
        let margin = keyIndex.flatMap { key in (keyWeights[key] ?? 0) > 0 ? (marginSums[key] ?? 0) / (keyWeights[key] ?? 1) : nil }
        let totalTime = durationSeconds > 0 ? durationSeconds : 1
        let integrated = lastFrame.integratedLUFS
        return FileAnalysisResult(
            file: file, durationSeconds: durationSeconds, sampleRate: configuration.sampleRate, channels: channels,
            tempoBPM: tempo.map { ($0 * 100).rounded() / 100 },
            tempoConfidence: tempo == nil ? 0 : (tempoWeights.values.map(\.weight).max() ?? 0) / totalTime,
            beats: beats.map(Self.milliseconds), downbeats: downbeats.map(Self.milliseconds),
            beatsPerBar: beats.isEmpty ? nil : meterFrames.max(by: { $0.value < $1.value })?.key,
            onsets: onsets.map(Self.milliseconds),
            key: keyIndex.map { MusicalKey(index: $0).description },
            keyConfidence: keyIndex.map { (keyWeights[$0] ?? 0) / totalTime } ?? 0,
            keyRunnerUp: runnerUp.map { MusicalKey(index: $0).description },
            keyMargin: margin.map { ($0 * 1000).rounded() / 1000 },
            tuningCents: Double(lastFrame.tuningCents),
            loudnessIntegratedLUFS: integrated > -199 ? Double(integrated) : nil,
            peakDBFS: Double(peakDBFS),
            nonFiniteSamples: nonFiniteSamples,
            features: .init(
                rmsDBFSMean: sums.rms / n, centroidHzMean: sums.centroid / n, rolloffHzMean: sums.rolloff / n,
                flatnessMean: sums.flatness / n, fluxMean: sums.flux / n,
                chromaMean: chroma.map { $0 / n }, mfccMean: mfcc.map { $0 / n }),
            delaysSeconds: .init(onsets: delays.onsetSeconds, beats: delays.beatSeconds, tempo: delays.tempoSeconds,
                                 key: delays.keySeconds, loudness: delays.loudnessSeconds),
            detector: detector.rawValue, detectorFallbackReason: detectorFallbackReason,
            beatDecoder: detector == .network ? configuration.beatDecoder.rawValue : nil,
            processingSeconds: processingSeconds)
    }

    private static func milliseconds(_ seconds: Double) -> Double { (seconds * 10_000).rounded() / 10_000 }
}
