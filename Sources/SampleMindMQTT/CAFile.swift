import Glibc
import SampleMindValidation

/// The CA certificate file for `mqtts://`, checked before any connection is tried, so a wrong path
/// is a clear error at start-up instead of a TLS failure on every reconnect.
public enum CAFile {
    /// Why the file at `path` cannot be used, in words for the message, or nil when it is readable.
    public static func problem(with path: String) -> String? {
        guard access(path, R_OK) != 0 else { return nil }
        let error = errno  // before anything else can change it
        return "cannot read \"\(PrintableText.escaped(path))\" (\(String(cString: strerror(error)))); "
            + "give the PEM file of the CA that signed the broker's certificate"
    }
}
