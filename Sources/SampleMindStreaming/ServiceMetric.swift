/// One metric a service reports for /metrics, in Prometheus' terms: its name without the
/// `samplemind_` prefix, `counter` or `gauge`, its help, and its samples by label set (`{…}` or "").
public struct ServiceMetric: Sendable {
    public var name: String
    public var type: String
    public var help: String
    public var samples: [(labels: String, value: Double)]

    public init(name: String, type: String, help: String, samples: [(labels: String, value: Double)]) {
        self.name = name
        self.type = type
        self.help = help
        self.samples = samples
    }
}
