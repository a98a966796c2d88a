/// Why a DSP building block could not be set up.
public enum DSPError: Error, Equatable, CustomStringConvertible {
    case invalidParameter(String)
    case outOfMemory(String)

    public var description: String {
        switch self {
        case .invalidParameter(let reason): return reason
        case .outOfMemory(let what): return "out of memory while allocating \(what)"
        }
    }
}
