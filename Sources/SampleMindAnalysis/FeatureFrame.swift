/// Everything the analyzer knows after one hop. Fixed layout and trivially copyable, so frames
/// move through lock-free queues without allocation.
public struct FeatureFrame: Sendable, BitwiseCopyable {
    public static let spectrumBandCount = 96
    public static let chromaCount = 12
    public static let mfccCount = 13

    /// Frame (hop) index since the analyzer started.
    public var index: Int = 0
    /// Stream time of the last sample of this hop, in seconds.
    public var timeSeconds: Double = 0

    public var peakDBFS: Float = -200
    public var rmsDBFS: Float = -200
    public var centroidHz: Float = 0
    /// Frequency below which 85 % of the spectral energy lies.
    public var rolloffHz: Float = 0
    /// Spectral flatness (Wiener entropy), 0 for a pure tone … 1 for white noise.
    public var flatness: Float = 0
    /// Onset detection function value (SuperFlux log spectral flux, dB per band / 20).
    public var flux: Float = 0
    /// Pitch-class profile C…B, tuning-corrected, scaled so its largest bin is 1 (all 0 in silence).
    public var chroma = InlineArray<12, Float>(repeating: 0)
    public var mfcc = InlineArray<13, Float>(repeating: 0)
    /// Log-frequency spectrum for display, dBFS per band (30 Hz up to 16 kHz or Nyquist).
    public var spectrum = InlineArray<96, Float>(repeating: -200)

    /// EBU R128 loudness in LUFS (−inf is reported as −200 during silence).
    public var momentaryLUFS: Float = -200
    public var shortTermLUFS: Float = -200
    public var integratedLUFS: Float = -200

    /// Tempo in BPM, 0 while unknown.
    public var tempoBPM: Float = 0
    public var tempoConfidence: Float = 0
    /// Whether the tempo was locked (or tapped) from the stage.
    public var tempoLocked = false
    /// The next beat as predicted now: its stream time (−1 while there is no beat to predict),
    /// running index and position in the bar. Outputs that must deliver beats ahead of time use it.
    public var nextBeatSeconds: Double = -1
    public var nextBeatIndex: Int = 0
    public var nextBeatBarPosition: Int8 = 1
    /// The meter in use: the configured one, or the one set from the stage.
    public var beatsPerBar: Int8 = 4
    /// Index of the current key (see ``MusicalKey/init(index:)``), −1 while unknown. In the first
    /// seconds of music it is provisional (no key event yet) and its confidence is scaled down.
    public var keyIndex: Int8 = -1
    public var keyConfidence: Float = 0
    /// The next most likely key (−1 while no key is shown) and how much better the shown key fits
    /// (its correlation with the key profile minus the runner-up's; below 0 while a change is held off).
    public var keyRunnerUpIndex: Int8 = -1
    public var keyMargin: Float = 0
    /// Estimated deviation of the music's tuning from A = 440 Hz, in cents.
    public var tuningCents: Float = 0

    public init() {}

    public var key: MusicalKey? { keyIndex >= 0 ? MusicalKey(index: Int(keyIndex)) : nil }
    public var keyRunnerUp: MusicalKey? { keyRunnerUpIndex >= 0 ? MusicalKey(index: Int(keyRunnerUpIndex)) : nil }
}
