import Foundation

/// The weight files installed with samplemind: a resource bundle beside the binary
/// (`SampleMind_SampleMindModels.resources`, which `scripts/install-service` installs with it).
public enum ShippedModels {
    /// The onset, beat and downbeat network (docs/model.md).
    public static let detectorFileName = "detector.smnn"

    /// Where the shipped detector weights are, or nil when the bundle is missing.
    public static var detectorPath: String? {
        Bundle.module.url(forResource: "Weights/\(detectorFileName)", withExtension: nil)?.path
            ?? Bundle.module.resourceURL.map { $0.appendingPathComponent("Weights").appendingPathComponent(detectorFileName).path }
    }
}
