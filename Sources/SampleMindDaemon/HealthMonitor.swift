import SampleMindLog
import SampleMindRealtime
import SampleMindCapture
import SampleMindEngine
import SampleMindAnalysis

/// Logs changes of the input state and of the real-time side's counters (which only count), at
/// most once a second, from the main thread.
struct HealthMonitor {
    let engine: LiveEngine
    let log: LogSink
    private var lastState: InputState?
    private var lastXruns = 0
    private var lastOverruns = 0
    private var lastDrops = 0
    private var lastCheck = 0.0
    private var lastRejectedRate = 0
    private var lastFallbackRate = 0

    init(engine: LiveEngine, log: @escaping LogSink) {
        self.engine = engine
        self.log = log
    }

    mutating func check() {
        let now = MonotonicClock.seconds()
        guard now - lastCheck >= 1 else { return }
        lastCheck = now
        let capture = engine.capture
        let state = capture.state
        if state != lastState {
            if let lastState { log(state == .running ? .info : .warning, "input \(lastState.description) → \(state.description)") }
            lastState = state
        }
        let rejected = engine.counters.rejectedSampleRate.load(ordering: .relaxed)
        if rejected != lastRejectedRate {
            log(.error, "the input delivers \(rejected) Hz, which cannot be analysed (8000–192000 Hz); change the device or server rate")
            lastRejectedRate = rejected
        }
        let fallbackRate = engine.counters.networkFallbackRate.load(ordering: .relaxed)
        if fallbackRate != lastFallbackRate {
            if fallbackRate > 0 {
                // The reason depends on the rate and the settings only (weights that do not fit were
                // refused at start-up), so it is found again here rather than passed as text.
                let configuration = engine.settings.configuration(sampleRate: Double(fallbackRate), channelCount: 1)
                let reason = configuration.networkFallbackReason ?? "it is not available"
                log(.warning, "the network detector cannot run on this input (\(reason)); onsets and beats come from "
                    + "the DSP detectors until the input changes. Run the input at 44100 or 48000 Hz to use the network")
            } else if lastFallbackRate > 0 {
                log(.info, "the network detector runs again: the input changed to a rate it serves")
            }
            lastFallbackRate = fallbackRate
        }
        let xruns = capture.xruns.load(ordering: .relaxed)
        if xruns != lastXruns {
            log(.warning, "\(xruns - lastXruns) xrun(s) in the audio input (\(xruns) in all)")
            lastXruns = xruns
        }
        let overruns = capture.overruns.load(ordering: .relaxed)
        if overruns != lastOverruns {
            log(.warning, "analysis fell behind the input: \(overruns - lastOverruns) block(s) dropped (\(overruns) in all)")
            lastOverruns = overruns
        }
        let drops = engine.outputQueues.reduce(0) {
            $0 + $1.droppedFrames.load(ordering: .relaxed) + $1.droppedEvents.load(ordering: .relaxed)
        }
        if drops != lastDrops {
            log(.warning, "a consumer fell behind: \(drops - lastDrops) output(s) dropped (\(drops) in all)")
            lastDrops = drops
        }
    }
}
