import SampleMindResources

/// The files the server ships: the dashboard, in the resource bundle SwiftPM builds beside the
/// executable (and that scripts/install-service installs beside it).
public enum StreamResources {
    static let bundleName = "SampleMind_SampleMindStreaming.resources"

    /// The dashboard directory, or nil when the resources were not installed with the binary (the
    /// server then answers 404 for the dashboard and logs why).
    public static var dashboardDirectory: String? {
        InstalledBundle.path(of: "Dashboard", in: bundleName, directory: true)
    }
}
