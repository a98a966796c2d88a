/// The features a client can subscribe to; each adds its fields to `frame` messages.
public enum Feature: String, CaseIterable, Sendable, Hashable {
    /// peak_dbfs, rms_dbfs
    case levels
    /// lufs_momentary, lufs_short_term, lufs_integrated
    case loudness
    /// centroid_hz, rolloff_hz, flatness, flux
    case spectral
    /// spectrum_db (96 log-frequency bands), or a binary message when asked for
    case spectrum
    case chroma
    case mfcc
    /// tempo_confidence, key_confidence, key_runner_up, key_margin, tuning_cents (tempo_bpm and key are always there)
    case tracking

    public static let defaults: Set<Feature> = [.levels, .loudness, .spectral, .tracking]

    /// The frame fields this feature adds.
    var fields: FrameFields {
        switch self {
        case .levels: return .levels
        case .loudness: return .loudness
        case .spectral: return .spectral
        case .spectrum: return .spectrum
        case .chroma: return .chroma
        case .mfcc: return .mfcc
        case .tracking: return .tracking
        }
    }

    /// `features` as a JSON array of names, in the order of ``allCases``.
    static func list(_ features: Set<Feature>) -> String {
        "[" + allCases.filter(features.contains).map { JSONText.quoted($0.rawValue) }.joined(separator: ",") + "]"
    }
}
