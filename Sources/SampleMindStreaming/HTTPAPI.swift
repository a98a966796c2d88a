/// Extra JSON endpoints under /v1, provided by other parts of the daemon (segments, sessions).
/// Called on the network thread, after the token and Host checks: keep answers quick and bounded.
public protocol HTTPAPI: AnyObject, Sendable {
    /// The answer to GET `path` with its query arguments, or nil when the path is not this API's.
    func answer(path: String, query: [String: String]) -> (status: UInt32, json: String)?
}
