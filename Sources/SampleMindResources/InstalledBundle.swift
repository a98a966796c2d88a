import Foundation

/// The resource bundles SwiftPM builds beside an executable (`<Package>_<Target>.resources`), which
/// `scripts/install-service` installs beside the installed binary. Bundle.module is not used: it
/// stops the program when the bundle is missing, and a missing dashboard or weight file must be a
/// message, not a crash.
public enum InstalledBundle {
    /// The path of `item` inside the bundle `bundleName` beside the running executable, or nil when
    /// it is not there (or is not of the kind asked for).
    public static func path(of item: String, in bundleName: String, directory: Bool) -> String? {
        let candidate = "\(executableFolder)/\(bundleName)/\(item)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory),
              isDirectory.boolValue == directory else { return nil }
        return candidate
    }

    /// The folder of the running executable, following /proc/self/exe through any symbolic link.
    static var executableFolder: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }
}
