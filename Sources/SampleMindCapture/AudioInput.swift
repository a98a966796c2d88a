import SampleMindLog

/// A source of live audio: JACK, ALSA or a file played in real time. It writes into a
/// ``CaptureChannel`` from its capture thread, and keeps itself connected (retrying with
/// back-off) until stopped.
public protocol AudioInput: AnyObject, Sendable {
    /// For logs and status, e.g. "JACK client 'samplemind' (2 ports)".
    var description: String { get }

    /// Starts capturing into `channel`. Returns at once; waiting for a device or server happens in
    /// the background. Throws only when the configuration itself is wrong.
    func start(into channel: CaptureChannel, log: @escaping LogSink) throws(InputError)

    /// Stops capturing and releases the device. Returns when the capture thread has stopped.
    func stop()
}

/// Why an input cannot be used as configured. Messages say what to change.
public struct InputError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
