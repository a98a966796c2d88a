import SampleMindConfiguration

/// Why the daemon could not run, with the exit status that says so to systemd and scripts:
/// 78 (EX_CONFIG) when the configuration cannot work (bad values, an input that cannot be
/// played, a database it must not touch), 69 (EX_UNAVAILABLE) when something it needs is taken
/// by someone else (the port in use). A service's start throws an ``unavailable(_:)`` error for
/// the latter; anything else it throws counts as the former.
public struct DaemonError: Error, CustomStringConvertible {
    public static let unavailableStatus: Int32 = 69

    public let description: String
    public let exitStatus: Int32

    public static func configuration(_ message: String) -> DaemonError {
        DaemonError(description: "configuration: \(message)", exitStatus: ConfigurationError.exitStatus)
    }

    public static func unavailable(_ message: String) -> DaemonError {
        DaemonError(description: message, exitStatus: unavailableStatus)
    }
}
