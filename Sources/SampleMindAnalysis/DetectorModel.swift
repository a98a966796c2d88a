import SampleMindInference

/// The network detector as it was trained: its weights and the settings chosen with them on the
/// validation set, which belong to those weights and change when they are retrained.
public struct DetectorModel: Sendable, Equatable {
    public let weights: ModelFile
    /// The onset activation a peak must reach to count as an onset (0 < t ≤ 1).
    public let onsetThreshold: Float

    /// Throws where the weights do not fit this version's detector (its 218 inputs per hop and 3
    /// outputs) or the threshold is not in 0 < t ≤ 1, saying which and what to use instead.
    /// Not real-time safe: call at start-up.
    public init(weights: ModelFile, onsetThreshold: Float) throws(AnalysisError) {
        if let problem = Self.fitProblem(of: weights) { throw .invalidConfiguration(problem) }
        guard onsetThreshold > 0, onsetThreshold <= 1 else {
            throw .invalidConfiguration(
                "the onset threshold for \(weights.path) must be above 0 and at most 1, not \(onsetThreshold)")
        }
        self.weights = weights
        self.onsetThreshold = onsetThreshold
    }

    /// Why `weights` cannot be this version's detector, or nil when they can.
    public static func fitProblem(of weights: ModelFile) -> String? { NetworkDetector.fitProblem(of: weights) }
}
