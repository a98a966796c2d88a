import SampleMindAnalysis
import SampleMindLog
import SampleMindOutputs
import SampleMindRealtime
import Synchronization

/// Ableton Link driven by the live beat, on a thread of its own fed by its own engine queue.
///
/// Lead mode: the session's tempo and beat grid follow the tracker (``LinkLeader``). Follow mode:
/// the tempo of the other peers' session is held by the tracker as a stage `lock` would hold it
/// (``StageControl/holdTempo(_:)`` through this driver's control queue), and released when the
/// last peer leaves; SampleMind then proposes nothing to the session.
///
/// Clocks: frames carry stream time and the wall-clock time that matches it; Link runs on
/// CLOCK_MONOTONIC_RAW. A beat's Link time is Link's clock now plus (the beat's wall-clock time
/// − the wall clock now) + `offsetSeconds`, both clocks read back to back on this thread, so
/// the two clocks' different origins and slewing never accumulate (docs/link.md).
///
/// Not real-time safe: its own thread; Link's calls lock and allocate. Nothing here runs on the
/// analysis thread.
public final class LinkDriver: @unchecked Sendable {
    public enum Mode: String, Sendable { case lead, follow }

    public struct Settings: Sendable {
        public var mode = Mode.lead
        /// Added to each detected beat's time before it goes on Link's timeline.
        public var offsetSeconds = 0.0
        public init() {}
    }

    /// For /metrics and /v1/status (read on other threads).
    public let peers = Atomic<Int>(0)
    public let sessionTempoMilliBPM = Atomic<Int>(0)
    /// Lead mode: the session's beat minus the detected beat at the last prediction, in µs.
    public let gridErrorMicros = Atomic<Int>(0)
    /// Follow mode: tempos from the session handed to the tracker.
    public let temposTaken = Atomic<Int>(0)

    public let settings: Settings
    private let peer: LinkPeer
    private let queue: OutputQueue
    private let controls: ControlQueue?
    private let log: LogSink
    private let worker = WorkerThread()

    // Link-thread state.
    private var leader = LinkLeader()
    private var lastPredictedIndex = Int.min
    private var heldBPM = 0.0
    private var lastPeerCount = 0

    /// `controls` is needed in follow mode (the tracker takes the session's tempo through it).
    public init(settings: Settings, queue: OutputQueue, controls: ControlQueue?, log: @escaping LogSink) throws(LinkError) {
        guard settings.offsetSeconds.isFinite, abs(settings.offsetSeconds) <= 0.5 else {
            throw LinkError("link.offset_ms must be between -500 and 500")
        }
        peer = try LinkPeer(bpm: 120)
        self.settings = settings
        self.queue = queue
        self.controls = controls
        self.log = log
    }

    public func start() {
        peer.enable(true)
        worker.start { [self] in run() }
    }

    public func stop() {
        worker.stop(waking: queue.wake)
        peer.enable(false)
    }

    private func run() {
        while !worker.isStopping {
            while let output = queue.pop() { handle(output) }
            watchSession()
            _ = queue.wake.wait(timeout: 0.1)
        }
    }

    private func watchSession() {
        let count = peer.peerCount
        peers.store(count, ordering: .relaxed)
        let tempo = peer.tempoBPM
        sessionTempoMilliBPM.store(tempo.isFinite ? Int((tempo * 1000).rounded()) : 0, ordering: .relaxed)
        if count != lastPeerCount {
            log(.info, "Ableton Link: \(count) other peer\(count == 1 ? "" : "s") in the session")
            lastPeerCount = count
        }
        guard settings.mode == .follow, let controls else { return }
        if count > 0, tempo.isFinite, (20...400).contains(tempo), abs(tempo - heldBPM) >= 0.05 {
            if case .success = controls.submit(.holdTempo(Float(tempo))) {
                heldBPM = tempo
                temposTaken.add(1, ordering: .relaxed)
                log(.info, "Ableton Link: following the session's tempo, \(Double(Int(tempo * 100)) / 100) BPM")
            }
        } else if count == 0, heldBPM > 0 {
            if case .success = controls.submit(.unlock) {
                heldBPM = 0
                log(.info, "Ableton Link: the session's other peers left; the tempo comes from the music again")
            }
        }
    }

    private func handle(_ output: EngineOutput) {
        guard settings.mode == .lead, case .frame(let frame, let wall) = output else { return }
        guard frame.nextBeatSeconds >= 0, frame.tempoBPM > 0, frame.nextBeatIndex != lastPredictedIndex else { return }
        lastPredictedIndex = frame.nextBeatIndex
        let nowMicros = peer.clockMicros
        let nowWall = MonotonicClock.wallClockSeconds()
        let beatWall = wall + (frame.nextBeatSeconds - frame.timeSeconds) + settings.offsetSeconds
        let offset = (beatWall - nowWall) * 1e6
        guard offset.isFinite, abs(offset) < 60e6 else { return }
        let beatMicros = nowMicros + Int64(offset)
        let quantum = Double(max(1, Int(frame.beatsPerBar)))
        let action = leader.predicted(beatIndex: frame.nextBeatIndex, beatMicros: beatMicros, barPosition: Int(frame.nextBeatBarPosition), beatsPerBar: Int(quantum),
                                      bpm: Double(frame.tempoBPM), confidence: frame.tempoLocked ? 1 : frame.tempoConfidence,
                                      sessionPhase: peer.phase(atMicros: beatMicros, quantum: quantum))
        switch action {
        case .none:
            break
        case .place(let beat, let micros, let quantum, let bpm):
            peer.setTempo(bpm, atMicros: nowMicros)
            // The beat number nearest the session's current one with the wanted phase, so a
            // session that runs on has its count kept.
            let current = peer.beat(atMicros: micros, quantum: quantum)
            let base = (current / quantum).rounded(.down) * quantum
            peer.forceBeat(base + beat, atMicros: micros, quantum: quantum)
            log(.info, "Ableton Link: leading the session at \(Double(Int(bpm * 100)) / 100) BPM, bar lines on the music's downbeats")
        case .propose(let bpm):
            peer.setTempo(bpm, atMicros: nowMicros)
        }
        // Clamped to a minute either way, so no tempo can make the conversion trap.
        let errorMicros = leader.phaseErrorBeats * 60 / Double(frame.tempoBPM) * 1e6
        gridErrorMicros.store(errorMicros.isFinite ? Int(min(max(errorMicros, -60e6), 60e6).rounded()) : 0, ordering: .relaxed)
    }
}
