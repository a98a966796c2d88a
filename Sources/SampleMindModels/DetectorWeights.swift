import SampleMindAnalysis
import SampleMindInference

/// The network detector's weights as every command loads them: the file named, or the one
/// installed with samplemind, read, checked and matched to this version once, at start-up.
public enum DetectorWeights {
    /// Why the weights cannot be used. The description says what happened; the caller adds what
    /// to do instead in its own terms (a setting, a flag).
    public enum Failure: Error, CustomStringConvertible {
        /// No file was named and none is installed beside the binary.
        case notInstalled
        /// The file is missing, unreadable or damaged.
        case unreadable(ModelError)
        /// The file is a sound model file made for another version or another purpose.
        case doesNotFit(String)

        public var description: String {
            switch self {
            case .notInstalled: return "the network's weights are not installed beside samplemind; reinstall samplemind"
            case .unreadable(let error): return "\(error)"
            case .doesNotFit(let problem): return problem
            }
        }
    }

    /// Reads the weights at `path`, or the shipped ones when `path` is nil.
    /// Not real-time safe: reads the file and allocates.
    public static func load(_ path: String?) throws(Failure) -> ModelFile {
        guard let path = path ?? ShippedModels.detectorPath else { throw .notInstalled }
        let file: ModelFile
        do { file = try ModelFile(contentsOf: path) } catch { throw .unreadable(error) }
        if let problem = AnalyzerConfiguration.networkFitProblem(of: file) { throw .doesNotFit(problem) }
        return file
    }
}
