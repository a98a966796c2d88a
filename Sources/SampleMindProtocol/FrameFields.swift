/// Which groups of frame fields a message carries (`tempo_bpm` and `key` always come).
public struct FrameFields: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// peak_dbfs, rms_dbfs
    public static let levels = FrameFields(rawValue: 1 << 0)
    /// lufs_momentary, lufs_short_term, lufs_integrated
    public static let loudness = FrameFields(rawValue: 1 << 1)
    /// centroid_hz, rolloff_hz, flatness, flux
    public static let spectral = FrameFields(rawValue: 1 << 2)
    /// spectrum_db
    public static let spectrum = FrameFields(rawValue: 1 << 3)
    public static let chroma = FrameFields(rawValue: 1 << 4)
    public static let mfcc = FrameFields(rawValue: 1 << 5)
    /// tempo_confidence, key_confidence, key_runner_up, key_margin, tuning_cents, tempo_locked,
    /// beats_per_bar, next_beat_t
    public static let tracking = FrameFields(rawValue: 1 << 6)
    public static let all: FrameFields = [.levels, .loudness, .spectral, .spectrum, .chroma, .mfcc, .tracking]

    /// The fields a subscriber gets: those of its features, less `spectrum_db` when the spectrum
    /// goes as a binary message instead.
    public init(_ subscription: Subscription) {
        self.init()
        for feature in subscription.features where feature != .spectrum || !subscription.binarySpectrum {
            insert(feature.fields)
        }
    }
}
