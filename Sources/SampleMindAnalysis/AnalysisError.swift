import Glibc

/// Why the analyzer could not be set up. Messages say what to change.
public enum AnalysisError: Error, Equatable, CustomStringConvertible {
    case unsupportedSampleRate(Double)
    case invalidConfiguration(String)
    case resourceUnavailable(String)

    public var description: String {
        switch self {
        case .unsupportedSampleRate(let rate):
            let shown = rate.isFinite ? "\(Int(rate)) Hz" : "\(rate)"
            return "sample rate \(shown) is not supported; use a rate from 8000 to 192000 Hz (resample the audio or change the device rate)"
        case .invalidConfiguration(let reason):
            return reason
        case .resourceUnavailable(let reason):
            return reason
        }
    }
}
