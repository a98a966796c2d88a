import Foundation

/// The files the server ships: the dashboard, in the resource bundle SwiftPM builds beside the
/// executable (and that scripts/install-service installs beside it).
public enum StreamResources {
    static let bundleName = "SampleMind_SampleMindStreaming.resources"

    /// The dashboard directory, or nil when the resources were not installed with the binary (the
    /// server then answers 404 for the dashboard and logs why). Bundle.module is not used: it
    /// stops the program when the bundle is missing.
    public static var dashboardDirectory: String? {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let folder = URL(fileURLWithPath: executable).deletingLastPathComponent().path
        let candidate = "\(folder)/\(bundleName)/Dashboard"
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) && isDirectory.boolValue ? candidate : nil
    }
}
