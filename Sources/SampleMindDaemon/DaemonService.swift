/// One part of the running daemon with a lifecycle: the input, the analysis engine, the storage
/// writer, the performer outputs, the stream server — and each new output (MQTT, Link, Audio
/// Sync) as it comes. The ``ServiceGroup`` starts them in dependency order and stops them with
/// producers first, so that consumers drain what was produced.
///
/// Not real-time safe: set-up and shut-down only, on the control thread.
public protocol DaemonService: AnyObject {
    /// For logs and errors: "storage", "stream server", "input".
    var name: String { get }
    /// Where the service stands in the flow of data, which decides when it stops.
    var role: ServiceRole { get }
    /// Starts the service's threads. Throws a message a person can act on when it cannot run as
    /// configured; a service that throws has started nothing (it cleans up after itself).
    func start() throws
    /// Stops the service's threads and releases what it holds. Returns when they are gone. Only
    /// called after a successful ``start()``.
    func stop()
}

/// Where a service stands in the flow of data. Services stop in this order — the input first,
/// then the engine, then the consumers, which drain what they were given (the open segment is
/// written, outputs flush), and the stream server last, so that it can still tell its clients
/// about the last segment.
public enum ServiceRole: Int, Sendable, Comparable, CaseIterable {
    case input, engine, output, storage, server

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A service that could not start: which one, and why.
public struct ServiceStartError: Error, CustomStringConvertible {
    public let service: String
    public let underlying: any Error

    public var description: String { "cannot start the \(service): \(underlying)" }
}
