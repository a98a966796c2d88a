/// One metric a service reports for /metrics, in Prometheus' terms: its name without the
/// `samplemind_` prefix, `counter` or `gauge`, its help, and its samples by label set (`{…}` or "").
/// A metric with a `status` place also appears in /v1/status, as one field (the samples' sum) of
/// that service's object: `"wled":{"packets_sent":…}`. So a new service adds its numbers without
/// touching the server.
public struct ServiceMetric: Sendable {
    public var name: String
    public var type: String
    public var help: String
    public var samples: [(labels: String, value: Double)]
    /// The /v1/status object and field it appears as, if any ("wled", "packets_sent").
    public var status: (service: String, field: String)?

    public init(name: String, type: String, help: String, samples: [(labels: String, value: Double)],
                status: (service: String, field: String)? = nil) {
        self.name = name
        self.type = type
        self.help = help
        self.samples = samples
        self.status = status
    }
}
