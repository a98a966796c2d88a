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
        let (file, fields) = try WeightSettings.load(
            path, shipped: ShippedModels.detectorPath, what: "the network's weights", fitProblem: DetectorModel.fitProblem)
        let threshold = try onsetThreshold(fields, for: file)
        do {
            return try DetectorModel(weights: file, onsetThreshold: threshold)
        } catch {
            throw .doesNotFit(error.description)
        }
    }

    /// Where the settings of the weights at `path` are.
    public static func settingsPath(forWeightsAt path: String) -> String { WeightSettings.path(forWeightsAt: path) }

    /// The onset threshold from the settings of `file`.
    private static func onsetThreshold(_ fields: [String: Any], for file: ModelFile) throws(WeightsFailure) -> Float {
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
