/// What the HTTP endpoints report about the daemon, read from the engine's lock-free counters.
public struct DaemonStatus: Sendable {
    public var version: String
    public var inputDescription: String
    public var inputState: String
    public var xruns: Int
    public var ringOverruns: Int
    public var analysisHeartbeat: Int
    public var analysisBlocks: Int
    public var analysisMeanSeconds: Double
    public var analysisMaxSeconds: Double
    /// Outputs the engine dropped because the network thread fell behind.
    public var engineQueueDrops: Int
    /// Reasons the daemon is degraded though it works (input waiting, storage failing, …).
    public var degradedReasons: [String]
    /// Segment storage: stored, failed writes, waiting in the backlog, lost when the backlog overflowed.
    public var segmentsStored = 0
    public var storageWriteFailures = 0
    public var storageBacklog = 0
    public var segmentsLost = 0
    public var segmentsExpired = 0
    /// Frames the input delivered, interruptions of the audio, and samples dropped at session ends.
    public var capturedFrames = 0
    public var discontinuities = 0
    public var discardedSamples = 0
    /// Input samples that were NaN or infinite and were analysed as silence.
    public var nonFiniteSamples = 0
    /// Performer outputs: OSC messages sent and failed by target, OSC controls refused, MIDI messages lost.
    public var oscTargets: [(target: String, sent: Int, failed: Int)] = []
    public var oscControlsRefused = 0
    public var midiMessagesLost = 0
    /// Metrics of the daemon's other services (MQTT, WLED Audio Sync, Link, …), each added to
    /// /metrics as given, and those with a status field to /v1/status too.
    public var serviceMetrics: [ServiceMetric] = []

    public init(version: String, inputDescription: String, inputState: String, xruns: Int, ringOverruns: Int,
                analysisHeartbeat: Int, analysisBlocks: Int, analysisMeanSeconds: Double, analysisMaxSeconds: Double,
                engineQueueDrops: Int, degradedReasons: [String]) {
        self.version = version
        self.inputDescription = inputDescription
        self.inputState = inputState
        self.xruns = xruns
        self.ringOverruns = ringOverruns
        self.analysisHeartbeat = analysisHeartbeat
        self.analysisBlocks = analysisBlocks
        self.analysisMeanSeconds = analysisMeanSeconds
        self.analysisMaxSeconds = analysisMaxSeconds
        self.engineQueueDrops = engineQueueDrops
        self.degradedReasons = degradedReasons
    }
}
