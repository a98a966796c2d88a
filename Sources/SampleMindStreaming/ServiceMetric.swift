/// A counter or gauge of an output service the server knows nothing else about (WLED Audio Sync,
/// Ableton Link, …): one Prometheus family in /metrics, and one field of the service's object in
/// /v1/status, so a new service adds its numbers without touching the server.
public struct ServiceMetric: Sendable {
    public enum Kind: String, Sendable { case counter, gauge }

    /// The /v1/status object it appears in ("wled") and its field there ("packets_sent").
    public var service: String
    public var field: String
    /// Prometheus family name after `samplemind_` ("wled_packets_sent_total"), type and help.
    public var name: String
    public var kind: Kind
    public var help: String
    /// Values by Prometheus labels ("" or `{target="…"}`); /v1/status shows their sum.
    public var samples: [(labels: String, value: Double)]

    public init(service: String, field: String, name: String, kind: Kind, help: String, samples: [(labels: String, value: Double)]) {
        self.service = service
        self.field = field
        self.name = name
        self.kind = kind
        self.help = help
        self.samples = samples
    }
}
