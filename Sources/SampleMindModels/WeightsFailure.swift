import SampleMindInference

/// Why trained weights cannot be used. The description says what happened; the caller adds what
/// to do instead in its own terms (a setting, a flag).
public enum WeightsFailure: Error, CustomStringConvertible {
    /// No file was named and none is installed beside the binary (`what`: which weights).
    case notInstalled(what: String)
    /// The weight file is missing, unreadable or damaged.
    case unreadable(ModelError)
    /// The weight file is sound but made for another version or another purpose.
    case doesNotFit(String)
    /// The settings file is missing, damaged, or belongs to other weights.
    case settings(String)

    public var description: String {
        switch self {
        case .notInstalled(let what): return "\(what) are not installed beside samplemind; reinstall samplemind"
        case .unreadable(let error): return "\(error)"
        case .doesNotFit(let problem), .settings(let problem): return problem
        }
    }
}
