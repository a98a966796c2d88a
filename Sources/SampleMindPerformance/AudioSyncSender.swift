import Glibc
import SampleMindAnalysis
import SampleMindLog
import SampleMindOutputs
import SampleMindRealtime
import Synchronization

/// Sends WLED Audio Sync v2 packets (``AudioSyncPacket``) at a steady rate from its own thread,
/// fed by its own engine queue: 16 spectrum channels, volume and the strongest frequency from
/// the latest frame, and the peak flag on SampleMind's beats — one packet with the flag leaves
/// `lead` before each predicted beat (``BeatScheduler``), at once, not at the next tick.
///
/// A send that fails is counted and the next packet goes out as usual; the first failure after
/// a success and the first success after failures are logged once each, so a network interface
/// that vanishes and comes back costs two log lines and a counter, never the sender.
///
/// Not real-time safe: its own thread. Nothing here runs on the analysis thread.
public final class AudioSyncSender: @unchecked Sendable {
    public struct Settings: Sendable {
        /// Where packets go; empty means WLED's multicast group.
        public var targets: [AudioSyncTarget] = []
        /// Packets per second between beats (WLED's own sender sends about 50).
        public var rateHz = 50.0
        /// How much earlier than the beat its peak packet leaves.
        public var leadSeconds = 0.0
        /// Time-to-live of multicast packets: 1 keeps them on the local network.
        public var multicastHops: Int32 = 1
        public init() {}
    }

    /// One target's socket and counters (read on other threads for /metrics).
    public final class Destination: @unchecked Sendable {
        public let target: AudioSyncTarget
        let socket: UDPSocket
        public let sent = Atomic<Int>(0)
        public let failed = Atomic<Int>(0)
        /// Times sending started failing after it had worked (or from the start).
        public let outages = Atomic<Int>(0)
        private var failing = false
        private var failedInOutage = 0

        init(target: AudioSyncTarget, socket: UDPSocket) {
            self.target = target
            self.socket = socket
        }

        func send(_ bytes: [UInt8], log: LogSink) {
            if let error = socket.send(bytes) {
                failed.add(1, ordering: .relaxed)
                failedInOutage += 1
                if !failing {
                    failing = true
                    outages.add(1, ordering: .relaxed)
                    log(.warning, "WLED Audio Sync to \(target): sending fails (\(String(cString: strerror(error)))); the network interface may be down or gone. "
                        + "Packets are counted as failed and sending goes on; check the network if this lasts")
                }
            } else {
                sent.add(1, ordering: .relaxed)
                if failing {
                    failing = false
                    log(.info, "WLED Audio Sync to \(target) works again after \(failedInOutage) failed packets")
                    failedInOutage = 0
                }
            }
        }
    }

    public let destinations: [Destination]
    /// Packets sent with the peak flag (beats).
    public let peaksSent = Atomic<Int>(0)
    private let settings: Settings
    private let queue: OutputQueue
    private let log: LogSink
    private let worker = WorkerThread()

    // Sender-thread state.
    private var bands = AudioSyncBands(sampleRate: 48_000)
    private var packet = AudioSyncPacket()
    private var bytes = [UInt8](repeating: 0, count: AudioSyncPacket.size)
    private var scheduler: BeatScheduler
    private var beatsPerBar = 4
    private var nextPacketAt = 0.0

    /// Resolves every target and opens their sockets now (a bad name is an error here, not at
    /// send time). `queue` is this sender's engine consumer. Opens nothing when it throws.
    public init(settings: Settings, queue: OutputQueue, log: @escaping LogSink) throws(AudioSyncError) {
        guard settings.rateHz.isFinite, settings.rateHz > 0 else {
            throw AudioSyncError("wled.rate_hz must be above 0 (WLED's own sender sends about 50 packets per second)")
        }
        var destinations: [Destination] = []
        for target in settings.targets.isEmpty ? [AudioSyncTarget.multicast] : settings.targets {
            let address: SocketAddress
            switch target.resolve() {
            case .success(let resolved): address = resolved
            case .failure(let error): throw error
            }
            switch UDPSocket.connected(to: address) {
            case .success(let socket):
                socket.setMulticastHops(settings.multicastHops, family: address.family)
                destinations.append(Destination(target: target, socket: socket))
            case .failure(let error):
                throw AudioSyncError("WLED Audio Sync to \(target): \(error.description); check wled.targets")
            }
        }
        self.destinations = destinations
        self.settings = settings
        self.queue = queue
        self.log = log
        scheduler = BeatScheduler(leadSeconds: settings.leadSeconds)
    }

    public func start() {
        worker.start { [self] in run() }
    }

    public func stop() {
        worker.stop(waking: queue.wake)
    }

    private func run() {
        let period = 1 / settings.rateHz
        nextPacketAt = MonotonicClock.wallClockSeconds()
        while !worker.isStopping {
            while let output = queue.pop() { handle(output) }
            let now = MonotonicClock.wallClockSeconds()
            if scheduler.take(now: now) != nil {
                send(peak: true)
                nextPacketAt = now + period
            } else if now >= nextPacketAt {
                send(peak: false)
                // A late wake-up does not bunch packets; a little one keeps the average rate.
                nextPacketAt = max(nextPacketAt + period, now + period / 2)
            }
            var due = nextPacketAt
            if let beatDue = scheduler.dueAt { due = min(due, beatDue) }
            _ = queue.wake.wait(timeout: max(0.0002, due - MonotonicClock.wallClockSeconds()))
        }
    }

    private func send(peak: Bool) {
        packet.peak = peak
        packet.encodeForSending(into: &bytes)
        packet.frameCounter &+= 1
        for destination in destinations { destination.send(bytes, log: log) }
        if peak { peaksSent.add(1, ordering: .relaxed) }
    }

    private func handle(_ output: EngineOutput) {
        switch output {
        case .frame(let frame, let wall):
            beatsPerBar = Int(frame.beatsPerBar)
            bands.measure(frame, into: &packet)
            // WLED smooths its volume over about 12 samples at its ~43 Hz block rate: a similar
            // time constant (0.25 s) per frame.
            packet.sampleSmooth += (packet.sampleRaw - packet.sampleSmooth) * 0.08
            let prediction = frame.nextBeatSeconds >= 0 && frame.tempoBPM > 0
                ? BeatScheduler.Beat(index: frame.nextBeatIndex, timeSeconds: frame.nextBeatSeconds,
                                     wallClockSeconds: wall + (frame.nextBeatSeconds - frame.timeSeconds),
                                     barPosition: Int(frame.nextBeatBarPosition), beatsPerBar: Int(frame.beatsPerBar), bpm: frame.tempoBPM)
                : nil
            scheduler.predict(prediction)
        case .event(let event, let wall):
            if case .beat(let t, let index, let position, let bpm) = event {
                let beat = BeatScheduler.Beat(index: index, timeSeconds: t, wallClockSeconds: wall, barPosition: position,
                                              beatsPerBar: beatsPerBar, bpm: bpm)
                if scheduler.reported(beat) != nil {
                    send(peak: true)
                    nextPacketAt = MonotonicClock.wallClockSeconds() + 1 / settings.rateHz
                }
            }
        case .session(_, let sampleRate, _, _, _):
            bands = AudioSyncBands(sampleRate: sampleRate)
            scheduler.restart()
        case .discontinuity:
            break
        }
    }
}

extension AudioSyncPacket {
    /// Encodes into an existing 44-byte array without allocating.
    func encodeForSending(into bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { encode(into: $0) }
    }
}
