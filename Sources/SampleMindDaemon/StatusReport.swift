import SampleMindOutputs
import SampleMindCapture
import SampleMindEngine
import SampleMindStreaming

/// What /health, /v1/status and /metrics report: the input, the engine's counters, the network
/// queue's drops, storage and the performer outputs. Read on the network thread from atomics.
/// Unchecked: the services it holds are made before the server starts, and only their atomics are read here.
struct StatusReport: @unchecked Sendable {
    let engine: LiveEngine
    let input: AudioInput
    let queue: OutputQueue
    let storage: StorageService?
    let performer: PerformerService
    /// Other output services with numbers of their own (MQTT, WLED Audio Sync, Link, …).
    let reporters: [any StatusReporting]

    var current: @Sendable () -> DaemonStatus {
        { [self] in status() }
    }

    private func status() -> DaemonStatus {
        let counters = engine.counters
        let writer = storage?.writer
        var status = DaemonStatus(
            version: SampleMindVersion.current, inputDescription: input.description,
            inputState: engine.capture.state.description,
            xruns: engine.capture.xruns.load(ordering: .relaxed), ringOverruns: engine.capture.overruns.load(ordering: .relaxed),
            analysisHeartbeat: counters.heartbeat.load(ordering: .relaxed), analysisBlocks: counters.blocks.load(ordering: .relaxed),
            analysisMeanSeconds: counters.meanAnalysisSeconds,
            analysisMaxSeconds: Double(counters.analysisNanosecondsMax.load(ordering: .relaxed)) / 1e9,
            engineQueueDrops: queue.droppedFrames.load(ordering: .relaxed) + queue.droppedEvents.load(ordering: .relaxed),
            degradedReasons: writer?.problem.map { [$0] } ?? [])
        status.capturedFrames = engine.capture.capturedFrames.load(ordering: .relaxed)
        status.nonFiniteSamples = engine.capture.nonFiniteSamples.load(ordering: .relaxed)
        status.discontinuities = counters.discontinuities.load(ordering: .relaxed)
        status.discardedSamples = counters.discardedSamples.load(ordering: .relaxed)
        if let writer {
            status.segmentsExpired = writer.segmentsExpired.load(ordering: .relaxed)
            status.segmentsStored = writer.segmentsStored.load(ordering: .relaxed)
            status.storageWriteFailures = writer.writeFailures.load(ordering: .relaxed)
            status.storageBacklog = writer.backlogCount.load(ordering: .relaxed)
            status.segmentsLost = writer.segmentsLost.load(ordering: .relaxed)
        }
        performer.report(into: &status)
        for reporter in reporters { reporter.report(into: &status) }
        if let jack = input as? JACKInput { status.midiMessagesLost = jack.midiMessagesLost.load(ordering: .relaxed) }
        return status
    }
}

/// SampleMind's own version, in `samplemind version`, /v1/status and the stream's hello.
public enum SampleMindVersion {
    public static let current = "0.1.0"
}
