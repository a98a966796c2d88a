import Foundation
import SampleMindInference
import SampleMindValidation

/// The settings file training writes beside a weight file (`x.smnn` → `x.json`): values chosen
/// with those weights on the validation set, which belong to them and to no other weights.
enum WeightSettings {
    /// The settings files' format; increment when their common fields change meaning.
    static let format = 1
    /// Settings files are a few kilobytes; anything far larger is not one.
    static let maximumBytes = 1 << 20

    /// Where the settings of the weights at `path` are.
    static func path(forWeightsAt path: String) -> String {
        (path.hasSuffix(".smnn") ? String(path.dropLast(5)) : path) + ".json"
    }

    /// The fields of the settings file of `weights`, once it is known to be one of this format and
    /// to belong to them (its `weights_sha256`); otherwise what is wrong, in words for the message.
    static func read(for weights: ModelFile) -> Result<[String: Any], Problem> {
        let settings = path(forWeightsAt: weights.path)
        let shown = PrintableText.escaped(settings), weightsShown = PrintableText.escaped(weights.path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: settings)
        guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular else {
            return .failure(Problem("no settings file \(shown) beside \(weightsShown): it holds the values chosen with "
                + "these weights (training writes it with them); copy it together with the weights"))
        }
        guard let size = attributes[.size] as? Int, size <= maximumBytes,
              let data = FileManager.default.contents(atPath: settings),
              let fields = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            return .failure(Problem("\(shown) is not a settings file (a JSON object of at most \(maximumBytes) bytes)"))
        }
        guard fields["format"] as? Int == format else {
            return .failure(Problem("\(shown) has settings format \(fields["format"].map { "\($0)" } ?? "none"), "
                + "this samplemind reads format \(format); use the settings written with these weights"))
        }
        guard let owner = fields["weights_sha256"] as? String, owner == weights.sha256 else {
            return .failure(Problem("\(shown) belongs to other weights, not to \(weightsShown) "
                + "(sha256 \(weights.sha256.prefix(12))); use the settings file written with these weights"))
        }
        return .success(fields)
    }

    /// The weights at `path` (or `shipped` when nil), checked by `fitProblem`, and their settings
    /// file's fields, once it belongs to them. `what` names the weights for the message.
    /// Not real-time safe: reads files and allocates.
    static func load(
        _ path: String?, shipped: String?, what: String, fitProblem: (ModelFile) -> String?
    ) throws(WeightsFailure) -> (file: ModelFile, settings: [String: Any]) {
        guard let path = path ?? shipped else { throw .notInstalled(what: what) }
        let file: ModelFile
        do { file = try ModelFile(contentsOf: path) } catch { throw .unreadable(error) }
        if let problem = fitProblem(file) { throw .doesNotFit(problem) }
        switch read(for: file) {
        case .success(let fields): return (file, fields)
        case .failure(let problem): throw .settings(problem.description)
        }
    }

    /// A number field, if it is one and within `range`.
    static func number(_ fields: [String: Any], _ name: String, within range: ClosedRange<Float>) -> Float? {
        guard let value = (fields[name] as? NSNumber)?.floatValue, range.contains(value) else { return nil }
        return value
    }

    struct Problem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
