/// How the key is found from the averaged pitch-class profiles (``KeyInput``).
public enum KeyEstimator: String, Sendable, CaseIterable {
    /// The trained classifier (``KeyClassifier``), which also reads the bass.
    case classifier
    /// Correlation with a published key profile (``KeyProfile``).
    case profile
}
