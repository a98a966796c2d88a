import SampleMindAnalysis

/// What the analysis thread hands to consumers (network, storage, printers). Trivial, so it goes
/// through lock-free queues as is. Times are stream seconds: monotonic for the daemon's life,
/// across reconnections and format changes.
public enum EngineOutput: Sendable, BitwiseCopyable {
    /// A feature frame (its `timeSeconds` is stream time) and the wall-clock time it corresponds to.
    case frame(FeatureFrame, wallClockSeconds: Double)
    case event(AnalysisEvent, wallClockSeconds: Double)
    /// The input (re)started at `timeSeconds` with this format; `number` counts the input's
    /// sessions from 1 (the capture channel's numbering, which the inputs see too).
    case session(timeSeconds: Double, sampleRate: Double, channelCount: Int, wallClockSeconds: Double, number: Int)
    /// Audio was interrupted (disconnection, overrun) for `gapSeconds` before `timeSeconds`.
    case discontinuity(timeSeconds: Double, gapSeconds: Double, wallClockSeconds: Double)
}
