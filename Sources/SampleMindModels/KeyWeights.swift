import SampleMindAnalysis
import SampleMindInference
import SampleMindValidation

/// The key classifier as every command loads it: the weight file named, or the one installed
/// with samplemind, and its settings file beside it (`key.smnn` → `key.json`), read and checked
/// once, at start-up.
public enum KeyWeights {
    /// Reads the weights at `path` (the shipped ones when nil) and their settings file.
    /// Not real-time safe: reads files and allocates.
    public static func load(_ path: String?) throws(WeightsFailure) -> KeyModel {
        let (file, fields) = try WeightSettings.load(
            path, shipped: ShippedModels.keyPath, what: "the key classifier's weights", fitProblem: KeyModel.fitProblem)
        guard let margin = WeightSettings.number(fields, "change_margin", within: Float.ulpOfOne...0.99) else {
            throw .settings("\(PrintableText.escaped(WeightSettings.path(forWeightsAt: file.path))) gives no change_margin "
                + "between 0 and 1")
        }
        do {
            return try KeyModel(weights: file, changeMargin: margin)
        } catch {
            throw .doesNotFit(error.description)
        }
    }
}
