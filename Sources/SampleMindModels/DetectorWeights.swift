import Foundation
import SampleMindAnalysis
import SampleMindInference
import SampleMindValidation

/// The network detector as every command loads it: the weight file named, or the one installed
/// with samplemind, and beside it its settings file (`detector.smnn` → `detector.json`, written by
/// training/run with the weights), read, checked and matched to this version once, at start-up.
public enum DetectorWeights {
    /// Why the detector cannot be used. The description says what happened; the caller adds what
    /// to do instead in its own terms (a setting, a flag).
    public enum Failure: Error, CustomStringConvertible {
        /// No file was named and none is installed beside the binary.
        case notInstalled
        /// The weight file is missing, unreadable or damaged.
        case unreadable(ModelError)
        /// The weight file is sound but made for another version or another purpose.
        case doesNotFit(String)
        /// The settings file is missing, damaged, or belongs to other weights.
        case settings(String)

        public var description: String {
            switch self {
            case .notInstalled: return "the network's weights are not installed beside samplemind; reinstall samplemind"
            case .unreadable(let error): return "\(error)"
            case .doesNotFit(let problem), .settings(let problem): return problem
            }
        }
    }

    /// The settings file's format; increment when its fields change meaning.
    static let settingsFormat = 1
    /// Settings files are a few hundred bytes; anything far larger is not one.
    static let maximumSettingsBytes = 65_536

    /// Reads the weights at `path` (the shipped ones when nil) and their settings file.
    /// Not real-time safe: reads files and allocates.
    public static func load(_ path: String?) throws(Failure) -> DetectorModel {
        guard let path = path ?? ShippedModels.detectorPath else { throw .notInstalled }
        let file: ModelFile
        do { file = try ModelFile(contentsOf: path) } catch { throw .unreadable(error) }
        if let problem = DetectorModel.fitProblem(of: file) { throw .doesNotFit(problem) }
        let threshold = try onsetThreshold(for: file)
        do {
            return try DetectorModel(weights: file, onsetThreshold: threshold)
        } catch {
            throw .doesNotFit(error.description)
        }
    }

    /// Where the settings of the weights at `path` are.
    public static func settingsPath(forWeightsAt path: String) -> String {
        (path.hasSuffix(".smnn") ? String(path.dropLast(5)) : path) + ".json"
    }

    /// The onset threshold from the settings file of `file`, once it is known to belong to it.
    private static func onsetThreshold(for file: ModelFile) throws(Failure) -> Float {
        let settings = settingsPath(forWeightsAt: file.path)
        let shown = PrintableText.escaped(settings), weights = PrintableText.escaped(file.path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: settings)
        guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular else {
            throw .settings("no settings file \(shown) beside \(weights): it holds the onset threshold chosen with "
                + "these weights (training/run writes it with them); copy it together with the weights")
        }
        guard let size = attributes[.size] as? Int, size <= maximumSettingsBytes,
              let data = FileManager.default.contents(atPath: settings),
              let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            throw .settings("\(shown) is not a detector settings file (a JSON object of at most \(maximumSettingsBytes) bytes)")
        }
        guard fields["format"] as? Int == settingsFormat else {
            throw .settings("\(shown) has settings format \(fields["format"].map { "\($0)" } ?? "none"), "
                + "this samplemind reads format \(settingsFormat); use the settings written with these weights")
        }
        guard let owner = fields["weights_sha256"] as? String, owner == file.sha256 else {
            throw .settings("\(shown) belongs to other weights, not to \(weights) (sha256 \(file.sha256.prefix(12))); "
                + "use the settings file written with these weights")
        }
        guard fields["feature_version"] as? Int == NetworkInput.version else {
            throw .settings("\(weights) was trained on input features of another version than this samplemind's "
                + "(\(NetworkInput.version)); use the weights installed with this version")
        }
        guard let threshold = (fields["onset_threshold"] as? NSNumber)?.floatValue, threshold > 0, threshold <= 1 else {
            throw .settings("\(shown) gives no onset_threshold above 0 and at most 1")
        }
        return threshold
    }
}
