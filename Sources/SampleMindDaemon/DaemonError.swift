import SampleMindConfiguration

/// Why the daemon could not run, with the exit status that says so to systemd and scripts:
/// 78 (EX_CONFIG) when the configuration cannot work, 69 (EX_UNAVAILABLE) when something it
/// needs is taken or missing at start (the port in use, the database unwritable).
public struct DaemonError: Error, CustomStringConvertible {
    public static let unavailableStatus: Int32 = 69

    public let description: String
    public let exitStatus: Int32

    static func configuration(_ message: String) -> DaemonError {
        DaemonError(description: "configuration: \(message)", exitStatus: ConfigurationError.exitStatus)
    }

    static func unavailable(_ message: String) -> DaemonError {
        DaemonError(description: message, exitStatus: unavailableStatus)
    }
}
