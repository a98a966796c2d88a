import SampleMindOutputs
import Glibc
import SampleMindAnalysis
import SampleMindRealtime
import Synchronization

/// Sends the music to OSC targets over UDP from its own thread, fed by its own engine queue, so
/// a slow, absent or vanished target never touches the analysis: a send that fails is counted
/// and the next message goes out as usual.
///
/// Messages (docs/osc.md): `/samplemind/beat` ahead of each beat by the target's lead,
/// `/samplemind/onset`, `/samplemind/tempo`, `/samplemind/key` as they happen, and
/// `/samplemind/level` at `levelRateHz`; optionally each in a bundle time-tagged with the time of
/// what it reports.
public final class OSCSender: @unchecked Sendable {
    public struct Settings: Sendable {
        public var targets: [OSCTarget] = []
        /// `/samplemind/level` messages per second (0: none).
        public var levelRateHz = 10.0
        /// Wrap each message in a bundle time-tagged with the event's time.
        public var bundles = false
        public init() {}
    }

    /// One target's socket, beat schedule and counters.
    public final class Destination: @unchecked Sendable {
        public let target: OSCTarget
        let socket: UDPSocket
        var scheduler: BeatScheduler
        public let sent = Atomic<Int>(0)
        public let failed = Atomic<Int>(0)
        public let lastErrno = Atomic<Int32>(0)

        init(target: OSCTarget, socket: UDPSocket) {
            self.target = target
            self.socket = socket
            scheduler = BeatScheduler(leadSeconds: Double(target.leadMilliseconds) / 1000)
        }

        func send(_ bytes: [UInt8]) {
            if let error = socket.send(bytes) {
                failed.add(1, ordering: .relaxed)
                lastErrno.store(error, ordering: .relaxed)
            } else {
                sent.add(1, ordering: .relaxed)
            }
        }
    }

    public let destinations: [Destination]
    private let settings: Settings
    private let queue: OutputQueue
    private let worker = WorkerThread()

    // Sender-thread state.
    private var beatsPerBar = 4
    private var nextLevelAt = 0.0

    /// Resolves every target now (a name that cannot be found is an error here, not at send time).
    /// `queue` is this sender's engine consumer.
    public init(settings: Settings, queue: OutputQueue) throws(OSCError) {
        var destinations: [Destination] = []
        for target in settings.targets {
            let address: SocketAddress
            switch target.resolve() {
            case .success(let resolved): address = resolved
            case .failure(let error): throw error
            }
            switch UDPSocket.connected(to: address) {
            case .success(let socket): destinations.append(Destination(target: target, socket: socket))
            case .failure(let error): throw error
            }
        }
        self.destinations = destinations
        self.settings = settings
        self.queue = queue
    }

    public func start() {
        worker.start { [self] in run() }
    }

    public func stop() {
        worker.stop(waking: queue.wake)
    }

    private func run() {
        while !worker.isStopping {
            while let output = queue.pop() { handle(output) }
            let now = MonotonicClock.wallClockSeconds()
            for destination in destinations {
                if let beat = destination.scheduler.take(now: now) { send(beat, to: destination) }
            }
            // Sleep until the next beat is due, or the next hop's outputs arrive.
            var wait = 0.05
            for destination in destinations {
                if let due = destination.scheduler.dueAt { wait = min(wait, max(0.0002, due - MonotonicClock.wallClockSeconds())) }
            }
            _ = queue.wake.wait(timeout: wait)
        }
    }

    private func handle(_ output: EngineOutput) {
        switch output {
        case .frame(let frame, let wall):
            beatsPerBar = Int(frame.beatsPerBar)
            let prediction = frame.nextBeatSeconds >= 0 && frame.tempoBPM > 0
                ? BeatScheduler.Beat(index: frame.nextBeatIndex, timeSeconds: frame.nextBeatSeconds,
                                     wallClockSeconds: wall + (frame.nextBeatSeconds - frame.timeSeconds),
                                     barPosition: Int(frame.nextBeatBarPosition), beatsPerBar: Int(frame.beatsPerBar), bpm: frame.tempoBPM)
                : nil
            for destination in destinations { destination.scheduler.predict(prediction) }
            if settings.levelRateHz > 0, wall >= nextLevelAt {
                nextLevelAt = max(nextLevelAt + 1 / settings.levelRateHz, wall - 1 / settings.levelRateHz)
                broadcast("/samplemind/level", at: wall, [.float(frame.rmsDBFS), .float(frame.peakDBFS), .float(frame.momentaryLUFS)])
            }
        case .event(let event, let wall):
            switch event {
            case .beat(let t, let index, let position, let bpm):
                let beat = BeatScheduler.Beat(index: index, timeSeconds: t, wallClockSeconds: wall, barPosition: position,
                                              beatsPerBar: beatsPerBar, bpm: bpm)
                for destination in destinations {
                    if let late = destination.scheduler.reported(beat) { send(late, to: destination) }
                }
            case .onset(_, let strength):
                broadcast("/samplemind/onset", at: wall, [.float(strength), .double(wall)])
            case .tempo(_, let bpm, let confidence):
                broadcast("/samplemind/tempo", at: wall, [.float(bpm), .float(confidence)])
            case .key(_, let key, let confidence):
                broadcast("/samplemind/key", at: wall, [.string(key.description), .float(confidence)])
            }
        case .session:
            for destination in destinations { destination.scheduler.restart() }
        case .discontinuity:
            break
        }
    }

    /// `/samplemind/beat`: index, bar position, beats per bar, BPM, the beat's Unix time and stream time.
    private func send(_ beat: BeatScheduler.Beat, to destination: Destination) {
        let arguments: [OSCArgument] = [.int(Int32(truncatingIfNeeded: beat.index)), .int(Int32(beat.barPosition)),
                                        .int(Int32(beat.beatsPerBar)), .float(beat.bpm), .double(beat.wallClockSeconds),
                                        .double(beat.timeSeconds)]
        destination.send(packet("/samplemind/beat", at: beat.wallClockSeconds, arguments))
    }

    private func broadcast(_ path: String, at wall: Double, _ arguments: [OSCArgument]) {
        guard !destinations.isEmpty else { return }
        let bytes = packet(path, at: wall, arguments)
        for destination in destinations { destination.send(bytes) }
    }

    private func packet(_ path: String, at wall: Double, _ arguments: [OSCArgument]) -> [UInt8] {
        settings.bundles ? OSCPacket.bundle(at: wall, path, arguments) : OSCPacket.message(path, arguments)
    }
}
