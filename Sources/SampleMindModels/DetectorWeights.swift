import Foundation
import SampleMindAnalysis
import SampleMindInference
import SampleMindValidation

/// The network detector as every command loads it: the weight file named, or the one installed
/// with samplemind, and beside it its settings file (`detector.smnn` → `detector.json`, written by
/// training/run with the weights), read, checked and matched to this version once, at start-up.
public enum DetectorWeights {
    /// Reads the weights at `path` (the shipped ones when nil) and their settings file.
    /// Not real-time safe: reads files and allocates.
    public static func load(_ path: String?) throws(WeightsFailure) -> DetectorModel {
        guard let path = path ?? ShippedModels.detectorPath else { throw .notInstalled(what: "the network's weights") }
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
    public static func settingsPath(forWeightsAt path: String) -> String { WeightSettings.path(forWeightsAt: path) }

    /// The onset threshold from the settings file of `file`, once it is known to belong to it.
    private static func onsetThreshold(for file: ModelFile) throws(WeightsFailure) -> Float {
        let fields: [String: Any]
        switch WeightSettings.read(for: file) {
        case .success(let read): fields = read
        case .failure(let problem): throw .settings(problem.description)
        }
        guard fields["feature_version"] as? Int == NetworkInput.version else {
            throw .settings("\(PrintableText.escaped(file.path)) was trained on input features of another version than "
                + "this samplemind's (\(NetworkInput.version)); use the weights installed with this version")
        }
        guard let threshold = WeightSettings.number(fields, "onset_threshold", within: Float.ulpOfOne...1) else {
            throw .settings("\(PrintableText.escaped(WeightSettings.path(forWeightsAt: file.path))) gives no "
                + "onset_threshold above 0 and at most 1")
        }
        return threshold
    }
}
