import CWebSockets

/// The libwebsockets this build runs on, for `samplemind version`.
public enum WebSocketsVersion {
    public static var description: String { "libwebsockets \(String(cString: lws_get_library_version()))" }
}
