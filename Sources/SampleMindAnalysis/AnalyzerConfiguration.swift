import Glibc
import SampleMindInference

/// How the analyzer combines the input's channels.
public enum ChannelSelection: Sendable, Equatable {
    /// Every channel, combined in the power-spectral domain so that channels cannot cancel
    /// (an antiphase stereo pair is heard at full strength, unlike a sample average).
    case all
    /// One channel only, counted from zero.
    case single(Int)
}

/// Everything the analyzer needs to know before it starts. Sizes are in samples (per channel).
public struct AnalyzerConfiguration: Sendable, Equatable {
    public static let supportedSampleRates: ClosedRange<Double> = 8_000...192_000
    public static let maximumChannelCount = 64

    public var sampleRate: Double
    public var channelCount: Int
    /// Samples per channel consumed by one `process` call; one feature frame per hop.
    public var hopSize: Int
    /// Samples per channel in the FFT window for the spectral features and onsets.
    public var windowSize: Int
    public var channels: ChannelSelection
    /// Beats per bar assumed for bar positions.
    public var beatsPerBar: Int
    public var keyProfile: KeyProfile
    /// Whether each hop also computes ``NetworkInput`` (for `samplemind features`; the network
    /// detector computes it anyway).
    public var computesNetworkInput = false
    /// The detector asked for; the network falls back to the DSP detectors, with the reason in
    /// ``Analyzer/detectorFallbackReason``, where its weights or the input do not allow it.
    public var detector: Detector = .dsp
    /// The network's weights and settings, read and checked once at start-up.
    public var network: DetectorModel?
    /// The trained key classifier; nil to score keys by correlation with ``keyProfile``.
    public var keyModel: KeyModel?
    /// What turns the network's activations into beats (the DSP detectors have their own).
    public var beatDecoder: BeatDecoder = .barPointer

    /// Defaults that scale with the rate: a hop of 10 ms (100 frames per second) and a window of
    /// about 46 ms rounded to a power of two (2048 samples at 44.1 and 48 kHz).
    public init(
        sampleRate: Double, channelCount: Int, hopSize: Int? = nil, windowSize: Int? = nil,
        channels: ChannelSelection = .all, beatsPerBar: Int = 4, keyProfile: KeyProfile = .temperley
    ) {
        self.sampleRate = sampleRate
        self.channelCount = channelCount
        // An unusable rate gets placeholder sizes here; validate() reports the rate itself.
        let usableRate = sampleRate.isFinite ? min(max(sampleRate, 1_000), 1_000_000) : 44_100
        self.hopSize = hopSize ?? max(32, Int((usableRate / 100).rounded()))
        self.windowSize = windowSize ?? (1 << Int(log2(max(usableRate * 0.046, 64)).rounded()))
        self.channels = channels
        self.beatsPerBar = beatsPerBar
        self.keyProfile = keyProfile
    }

    /// Why the network detector was asked for and cannot run; nil when it runs or was not asked for.
    public var networkFallbackReason: String? {
        guard detector == .network else { return nil }
        guard network != nil else { return "no network weights were given" }
        return NetworkDetector.refusal(of: self)
    }

    /// The detector an analyzer of this configuration runs.
    public var effectiveDetector: Detector { detector == .network && networkFallbackReason == nil ? .network : .dsp }

    /// Whether beats and tempo come from the network's activations (otherwise from the DSP
    /// detectors' onset function).
    public var beatsFollowNetwork: Bool { effectiveDetector == .network && beatDecoder != .onsetFunction }

    /// Frames (hops) per second.
    public var frameRate: Double { sampleRate / Double(hopSize) }

    /// Checks every value and says what to change.
    public func validate() throws(AnalysisError) {
        guard sampleRate.isFinite, Self.supportedSampleRates.contains(sampleRate) else {
            throw .unsupportedSampleRate(sampleRate)
        }
        guard (1...Self.maximumChannelCount).contains(channelCount) else {
            throw .invalidConfiguration("channel count \(channelCount) is outside 1…\(Self.maximumChannelCount)")
        }
        if case .single(let index) = channels, !(0..<channelCount).contains(index) {
            throw .invalidConfiguration(
                "channel \(index + 1) was chosen for analysis but the input has \(channelCount) channel(s)")
        }
        let hopMs = Double(hopSize) / sampleRate * 1000
        guard hopMs >= 1, hopMs <= 50 else {
            throw .invalidConfiguration(
                "hop size \(hopSize) samples is \((hopMs * 10).rounded() / 10) ms at \(Int(sampleRate)) Hz; use 1–50 ms")
        }
        guard windowSize >= hopSize, windowSize <= 16 * hopSize, windowSize >= 64, windowSize % 2 == 0 else {
            throw .invalidConfiguration(
                "window size \(windowSize) must be even, at least 64 and the hop (\(hopSize)), and at most 16 hops")
        }
        guard (1...16).contains(beatsPerBar) else {
            throw .invalidConfiguration("beats per bar \(beatsPerBar) is outside 1…16")
        }
    }
}
