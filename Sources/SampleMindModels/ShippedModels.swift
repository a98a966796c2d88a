import SampleMindResources

/// The weight files installed with samplemind: a resource bundle beside the binary
/// (`SampleMind_SampleMindModels.resources`, which `scripts/install-service` installs with it).
public enum ShippedModels {
    static let bundleName = "SampleMind_SampleMindModels.resources"
    /// The onset, beat and downbeat network (docs/model.md).
    public static let detectorFileName = "detector.smnn"

    /// Where the shipped detector weights are, or nil when they were not installed with the binary.
    public static var detectorPath: String? {
        InstalledBundle.path(of: "Weights/\(detectorFileName)", in: bundleName, directory: false)
    }
}
