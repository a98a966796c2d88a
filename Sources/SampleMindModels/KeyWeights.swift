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
        guard let path = path ?? ShippedModels.keyPath else { throw .notInstalled(what: "the key classifier's weights") }
        let file: ModelFile
        do { file = try ModelFile(contentsOf: path) } catch { throw .unreadable(error) }
        if let problem = KeyModel.fitProblem(of: file) { throw .doesNotFit(problem) }
        let fields: [String: Any]
        switch WeightSettings.read(for: file) {
        case .success(let read): fields = read
        case .failure(let problem): throw .settings(problem.description)
        }
        guard let margin = WeightSettings.number(fields, "change_margin", within: Float.ulpOfOne...0.99) else {
            throw .settings("\(PrintableText.escaped(WeightSettings.path(forWeightsAt: path))) gives no change_margin "
                + "between 0 and 1")
        }
        do {
            return try KeyModel(weights: file, changeMargin: margin)
        } catch {
            throw .doesNotFit(error.description)
        }
    }
}
