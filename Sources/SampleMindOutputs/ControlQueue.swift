import SampleMindAnalysis
import SampleMindProtocol
import SampleMindRealtime

/// One control source's lock-free queue to the analysis thread (the WebSocket server and the OSC
/// listener each have their own, so each queue has a single producer). The analysis thread
/// applies what waits before each hop.
public final class ControlQueue: @unchecked Sendable {
    public let name: String
    package let queue: SPSCQueue<StageControl>
    private let counters: EngineCounters

    package init(name: String, counters: EngineCounters) {
        self.name = name
        self.counters = counters
        queue = SPSCQueue(minimumCapacity: 64, filler: .tap)
    }

    /// Producer side: queues the control for the next hop, or says why not (nothing to lock yet,
    /// or 64 controls already waiting because the analysis is stalled).
    public func submit(_ control: StageControl) -> Result<Void, StageControl.Refusal> {
        if control == .lock, counters.tempoBPM <= 0 {
            return .failure(.init(code: "no_tempo", message: "there is no tempo to lock yet: wait for the beat, or tap it"))
        }
        guard queue.push(control) else {
            return .failure(.init(code: "busy", message: "the analysis is not taking controls right now; try again in a moment"))
        }
        return .success(())
    }
}
