/// How the network face of the daemon listens, whom it lets in, and its limits.
public struct StreamConfiguration: Sendable {
    /// Address to listen on: 127.0.0.1 unless configured ("::1" and "0.0.0.0" work too).
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one (see ``StreamServer/port``).
    public var port = 8080
    /// When set, the stream, /v1 and /metrics need `Authorization: Bearer TOKEN` or `?token=TOKEN`.
    public var token: String?
    /// Browser origins allowed besides the server's own (e.g. "http://studio.local:3000").
    public var allowedOrigins: [String] = []
    /// Host header values accepted besides localhost, 127.0.0.1, [::1] and the listening address
    /// (a guard against DNS rebinding).
    public var allowedHosts: [String] = []
    public var maximumClients = 1_000
    /// Largest message a client may send, in bytes.
    public var maximumMessageBytes = 4_096
    /// Messages a client may send per second (bursts of twice that are allowed).
    public var messagesPerSecond = 20.0
    /// A client that has not accepted data for this long while messages wait is closed.
    public var slowClientTimeoutSeconds = 10.0
    /// Application-level `ping` messages to each client.
    public var heartbeatSeconds = 10.0
    /// Events and notices kept for a client that reads slowly; beyond that the oldest go.
    public var clientQueueLength = 256
    /// Directory of the dashboard's static files.
    public var staticDirectory: String?

    public init() {}

    /// Checks the values and says what to change.
    public func validate() throws(StreamConfigurationError) {
        guard (0...65_535).contains(port) else { throw .init("server port \(port) is outside 0–65535") }
        guard !host.isEmpty else { throw .init("server host is empty; use 127.0.0.1 to listen on this machine only") }
        if let token, token.count < 8 || token.contains(where: { $0.isWhitespace }) {
            throw .init("the server token must be at least 8 characters without spaces")
        }
        guard (1...100_000).contains(maximumClients) else { throw .init("maximum clients \(maximumClients) is outside 1–100000") }
        guard (64...1_048_576).contains(maximumMessageBytes) else {
            throw .init("maximum message size \(maximumMessageBytes) bytes is outside 64–1048576")
        }
        guard messagesPerSecond > 0, messagesPerSecond <= 10_000 else {
            throw .init("client message rate \(messagesPerSecond)/s is outside 0–10000")
        }
        guard slowClientTimeoutSeconds >= 1, heartbeatSeconds >= 1 else {
            throw .init("the slow-client timeout and the heartbeat must be at least 1 s")
        }
        guard clientQueueLength >= 8 else { throw .init("the client queue must hold at least 8 messages") }
    }
}

public struct StreamConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
