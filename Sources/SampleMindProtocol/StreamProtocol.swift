/// The stream's name and version. Within a version every change is additive (docs/protocol.md):
/// a change that would break a client gets a new path and a new version.
public enum StreamProtocol {
    /// `protocol_version` in `hello` and /v1/status.
    public static let version = 1
    /// The WebSocket subprotocol (clients need not ask for it).
    public static let subprotocolName = "samplemind.v1"
}
