/// What `samplemind analyze` reports for one file. Field names match the corpus truth files,
/// so results can be scored as they are.
public struct FileAnalysisResult: Codable, Sendable {
    public struct FeatureSummary: Codable, Sendable {
        public var rmsDBFSMean: Double
        public var centroidHzMean: Double
        public var rolloffHzMean: Double
        public var flatnessMean: Double
        public var fluxMean: Double
        public var chromaMean: [Double]
        public var mfccMean: [Double]

        enum CodingKeys: String, CodingKey {
            case rmsDBFSMean = "rms_dbfs_mean", centroidHzMean = "centroid_hz_mean"
            case rolloffHzMean = "rolloff_hz_mean", flatnessMean = "flatness_mean", fluxMean = "flux_mean"
            case chromaMean = "chroma_mean", mfccMean = "mfcc_mean"
        }
    }

    public struct Delays: Codable, Sendable {
        public var onsets: Double
        public var beats: Double
        public var tempo: Double
        public var key: Double
        public var loudness: Double
    }

    public var file: String
    public var durationSeconds: Double
    public var sampleRate: Double
    public var channels: Int
    public var tempoBPM: Double?
    public var tempoConfidence: Double
    public var beats: [Double]
    /// The beats the tracker counted as the first of their bar (a subset of `beats`).
    public var downbeats: [Double]
    /// The meter (beats per bar) held longest while there was a beat; nil without beats.
    public var beatsPerBar: Int?
    public var onsets: [Double]
    public var key: String?
    public var keyConfidence: Double
    /// The key that fitted next best while `key` was shown (most of that time), and by how much
    /// `key` fitted better on average (the difference of their probabilities under the key
    /// classifier, or of their correlations with the key profile).
    public var keyRunnerUp: String?
    public var keyMargin: Double?
    public var tuningCents: Double
    public var loudnessIntegratedLUFS: Double?
    public var peakDBFS: Double
    /// Samples (over all channels) that were NaN or infinite in the file and were analysed as 0.
    public var nonFiniteSamples: Int
    public var features: FeatureSummary
    public var delaysSeconds: Delays
    /// The detector that ran (`network` or `dsp`), and why the network did not when it was asked for.
    public var detector: String
    public var detectorFallbackReason: String?
    /// Where the beats came from while the network ran (`onset-function`, `bar-pointer` or
    /// `cumulative-score`); nil with the DSP detectors.
    public var beatDecoder: String?
    public var processingSeconds: Double

    enum CodingKeys: String, CodingKey {
        case file, beats, downbeats, onsets, key, channels, features
        case durationSeconds = "duration_s", sampleRate = "sample_rate"
        case tempoBPM = "tempo_bpm", tempoConfidence = "tempo_confidence"
        case keyConfidence = "key_confidence", keyRunnerUp = "key_runner_up", keyMargin = "key_margin", tuningCents = "tuning_cents"
        case loudnessIntegratedLUFS = "loudness_integrated_lufs", peakDBFS = "peak_dbfs"
        case nonFiniteSamples = "non_finite_samples"
        case delaysSeconds = "delays_s", processingSeconds = "processing_s"
        case beatsPerBar = "beats_per_bar", detector, detectorFallbackReason = "detector_fallback_reason"
        case beatDecoder = "beat_decoder"
    }

    /// Unknown values are written as null rather than left out, so every result has every field.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(sampleRate, forKey: .sampleRate)
        try container.encode(channels, forKey: .channels)
        try container.encode(tempoBPM, forKey: .tempoBPM)
        try container.encode(tempoConfidence, forKey: .tempoConfidence)
        try container.encode(beats, forKey: .beats)
        try container.encode(downbeats, forKey: .downbeats)
        try container.encode(beatsPerBar, forKey: .beatsPerBar)
        try container.encode(onsets, forKey: .onsets)
        try container.encode(key, forKey: .key)
        try container.encode(keyConfidence, forKey: .keyConfidence)
        try container.encode(keyRunnerUp, forKey: .keyRunnerUp)
        try container.encode(keyMargin, forKey: .keyMargin)
        try container.encode(tuningCents, forKey: .tuningCents)
        try container.encode(loudnessIntegratedLUFS, forKey: .loudnessIntegratedLUFS)
        try container.encode(peakDBFS, forKey: .peakDBFS)
        try container.encode(nonFiniteSamples, forKey: .nonFiniteSamples)
        try container.encode(features, forKey: .features)
        try container.encode(delaysSeconds, forKey: .delaysSeconds)
        try container.encode(detector, forKey: .detector)
        try container.encode(detectorFallbackReason, forKey: .detectorFallbackReason)
        try container.encode(beatDecoder, forKey: .beatDecoder)
        try container.encode(processingSeconds, forKey: .processingSeconds)
    }
}
