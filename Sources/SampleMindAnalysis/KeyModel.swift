import SampleMindInference

/// The trained key classifier: weights that read a ``KeyInput`` rotated so its first value is a
/// candidate tonic and give two scores, that tonic as a major key and as a minor key
/// (docs/model.md), and the settings chosen with them on the validation set.
public struct KeyModel: Sendable, Equatable {
    public let weights: ModelFile
    /// How much more probable another key must be before it challenges the shown one.
    public let changeMargin: Float

    /// Throws where the weights do not take a ``KeyInput`` or do not give two scores, or the
    /// margin is not in 0 < m < 1. Not real-time safe: call at start-up.
    public init(weights: ModelFile, changeMargin: Float) throws(AnalysisError) {
        if let problem = Self.fitProblem(of: weights) { throw .invalidConfiguration(problem) }
        guard changeMargin > 0, changeMargin < 1 else {
            throw .invalidConfiguration("the key change margin for \(weights.path) must be between 0 and 1, not \(changeMargin)")
        }
        self.weights = weights
        self.changeMargin = changeMargin
    }

    /// Why `weights` cannot be this version's key classifier, or nil when they can.
    public static func fitProblem(of weights: ModelFile) -> String? {
        guard weights.inputSize == KeyInput.valueCount, weights.outputSize == 2 else {
            return "\(weights.path) takes \(weights.inputSize) values and gives \(weights.outputSize); a key classifier "
                + "takes \(KeyInput.valueCount) (two pitch-class profiles) and gives 2 (major, minor). "
                + "Use the key model installed with samplemind"
        }
        return nil
    }
}
