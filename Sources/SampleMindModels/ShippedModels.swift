import SampleMindResources

/// The weight files installed with samplemind: a resource bundle beside the binary
/// (`SampleMind_SampleMindModels.resources`, which `scripts/install-service` installs with it).
public enum ShippedModels {
    static let bundleName = "SampleMind_SampleMindModels.resources"
    /// The onset, beat and downbeat network (docs/model.md).
    public static let detectorFileName = "detector.smnn"

    /// The key classifier (docs/model.md).
    public static let keyFileName = "key.smnn"

    /// Where the shipped detector weights are, or nil when they were not installed with the binary.
    public static var detectorPath: String? { path(of: detectorFileName) }

    /// Where the shipped key classifier's weights are, or nil when they were not installed with the binary.
    public static var keyPath: String? { path(of: keyFileName) }

    private static func path(of file: String) -> String? {
        InstalledBundle.path(of: "Weights/\(file)", in: bundleName, directory: false)
    }
}
