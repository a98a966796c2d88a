import SampleMindOutputs
import SampleMindLog
import Glibc
import SampleMindAnalysis
import SampleMindInference
import SampleMindCapture
import SampleMindRealtime
import Synchronization

/// The live daemon's core: the analysis thread. It waits for samples from the capture channel,
/// runs the analyzer hop by hop and pushes frames and events into each consumer's queue.
///
/// Stream time is monotonic for the engine's life: when the input reconnects, the gap is added
/// and a `discontinuity` is reported; when the format changes, a new analyzer is set up (that is
/// set-up work, so it may allocate). In steady state the loop never allocates, locks or logs. Its
/// system calls are the wake-ups: it sleeps on the capture channel's semaphore until samples
/// arrive, and after each hop signals each consumer's ``WakeSignal`` (sem_post's futex wake,
/// when that consumer sleeps) and runs its `notify` (the stream server's writes one byte to
/// libwebsockets' wake-up pipe); neither of those blocks.
public final class LiveEngine: @unchecked Sendable {
    /// How to set up the analyzer for whatever format the input delivers.
    public struct Settings: Sendable {
        public var hopSize: Int?
        public var windowSize: Int?
        public var channels: ChannelSelection = .all
        public var beatsPerBar = 4
        public var keyProfile: KeyProfile = .temperley
        public var detector: Detector = .dsp
        /// The network's weights and settings, read and checked once when the daemon starts.
        public var network: DetectorModel?
        /// Where beats come from while the network runs.
        public var beatDecoder: BeatDecoder = .onsetFunction
        /// The key classifier, read and checked once when the daemon starts; nil for the key profile.
        public var keyModel: KeyModel?
        /// SCHED_FIFO priority for the analysis thread, or nil for normal scheduling.
        public var realtimePriority: Int32? = nil
        /// Smallest capacity of the capture ring, in samples with all channels interleaved (the
        /// ring rounds it up to a power of two). The default, 192,000, is 2 s of 48 kHz stereo;
        /// the time it holds shrinks as the rate or the channel count grows.
        public var ringSamples = 192_000

        public init() {}

        /// The analyzer configuration used for an input of this format.
        public func configuration(sampleRate: Double, channelCount: Int) -> AnalyzerConfiguration {
            var selection = channels
            if case .single(let index) = channels, index >= channelCount { selection = .all }
            var configuration = AnalyzerConfiguration(
                sampleRate: sampleRate, channelCount: channelCount, hopSize: hopSize, windowSize: windowSize,
                channels: selection, beatsPerBar: beatsPerBar, keyProfile: keyProfile)
            configuration.detector = detector
            configuration.network = network
            configuration.beatDecoder = beatDecoder
            configuration.keyModel = keyModel
            return configuration
        }
    }

    public let settings: Settings
    public let capture: CaptureChannel
    public let counters = EngineCounters()
    /// The analysis thread's pthread id while it runs (0 otherwise).
    public let analysisThread = Atomic<UInt>(0)
    /// Real-time scheduling as granted, set once the thread has started.
    public private(set) var scheduling: RealtimeThread.Scheduling?
    private var consumers: [OutputQueue] = []
    private var controlSources: [ControlQueue] = []
    private let log: LogSink
    private let stopRequested = Atomic<Bool>(false)
    private let stallRequested = Atomic<Bool>(false)
    private var thread: pthread_t?
    private let finished = WakeSignal()

    // Analysis-thread state.
    private var analyzer: Analyzer?
    private var block: UnsafeMutablePointer<Float>?
    private var blockCapacity = 0
    private var session: SessionMarker?
    private var streamOffset = 0.0
    private var sessionStreamStart = 0.0
    private var sessionWallStart = 0.0
    private var lastStreamTime = 0.0

    public init(settings: Settings = Settings(), log: @escaping LogSink) {
        self.settings = settings
        self.log = log
        capture = CaptureChannel(ringSamples: settings.ringSamples)
    }

    deinit { block?.deallocate() }

    /// Adds a consumer; call before ``start()``. `capacity` counts outputs (frames and events;
    /// a frame per hop, 100 a second at the usual 10 ms hop), rounded up to a power of two. `notify`
    /// runs on the analysis thread after each hop's outputs are queued and must neither block nor allocate.
    public func addConsumer(name: String, capacity: Int = 1_024, notify: (@Sendable () -> Void)? = nil) -> OutputQueue {
        precondition(thread == nil, "consumers are added before the engine starts")
        let queue = OutputQueue(name: name, capacity: capacity, notify: notify)
        consumers.append(queue)
        return queue
    }

    public var outputQueues: [OutputQueue] { consumers }

    /// Adds a source of stage controls (tap, lock, …); call before ``start()``. One producer thread each.
    public func addControlSource(name: String) -> ControlQueue {
        precondition(thread == nil, "control sources are added before the engine starts")
        let queue = ControlQueue(name: name, counters: counters)
        controlSources.append(queue)
        return queue
    }

    /// Starts the analysis thread. Not real-time safe: call during set-up.
    public func start() throws(InputError) {
        let started = RealtimeThread.start(priority: settings.realtimePriority, onScheduling: { [self] granted in
            scheduling = granted
            if case .normal(let reason) = granted, settings.realtimePriority != nil {
                log(.warning, "real-time scheduling was refused (\(reason)); analysing at normal priority. Give the service LimitRTPRIO or run it in the audio group for real-time priority")
            }
        }) { [self] in run() }
        guard let started else { throw InputError("could not start the analysis thread") }
        thread = started
    }

    /// For tests of supervision (watchdog, /health): the analysis thread stops analysing and its
    /// heartbeat stops, as if it had hung; ``stop()`` still ends it.
    public func stallForTesting() { stallRequested.store(true, ordering: .releasing) }

    /// Stops the analysis thread after it has analysed what the ring still holds.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        capture.dataReady.signal()
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private func run() {
        analysisThread.store(pthread_self(), ordering: .releasing)
        while !stopRequested.load(ordering: .acquiring) {
            if stallRequested.load(ordering: .relaxed) {
                usleep(10_000)
                continue
            }
            counters.heartbeat.add(1, ordering: .relaxed)
            _ = capture.dataReady.wait(timeout: 0.05)
            drain()
        }
        drain()
        analysisThread.store(0, ordering: .releasing)
    }

    /// Applies session markers and analyses every whole hop available.
    private func drain() {
        let ring = capture.ring
        while true {
            let hopSamples = analyzer?.samplesPerBlock ?? 0
            if let marker = capture.markers.peek() {
                if marker.position <= ring.readPosition {
                    _ = capture.markers.pop()
                    apply(marker)
                    continue
                }
                if marker.position < ring.readPosition + hopSamples {
                    // The old session ends inside the next hop: its last fraction of a hop is dropped.
                    let remainder = marker.position - ring.readPosition
                    ring.discard(remainder)
                    counters.discardedSamples.add(remainder, ordering: .relaxed)
                    continue
                }
            }
            guard let analyzer, let block, hopSamples > 0, ring.available >= hopSamples else { return }
            _ = ring.read(into: block, count: hopSamples)
            analyse(analyzer, block: block, hopEnd: ring.readPosition)
        }
    }

    private func analyse(_ analyzer: Analyzer, block: UnsafeMutablePointer<Float>, hopEnd: Int) {
        counters.applyRequestedReset()
        for source in controlSources {
            while let control = source.queue.pop() { analyzer.apply(control) }
        }
        let started = MonotonicClock.nanoseconds()
        analyzer.process(UnsafeBufferPointer(start: block, count: analyzer.samplesPerBlock))
        counters.recordAnalysis(nanoseconds: Int(MonotonicClock.nanoseconds() - started))

        var frame = analyzer.frame
        counters.tempoBits.store(frame.tempoBPM.bitPattern, ordering: .relaxed)
        counters.keyIndex.store(Int(frame.keyIndex), ordering: .relaxed)
        frame.timeSeconds += streamOffset
        if frame.nextBeatSeconds >= 0 { frame.nextBeatSeconds += streamOffset }
        lastStreamTime = frame.timeSeconds
        let wall = sessionWallStart + (frame.timeSeconds - sessionStreamStart)
        for event in analyzer.events {
            let shifted = event.shifted(by: streamOffset)
            publish(.event(shifted, wallClockSeconds: sessionWallStart + (shifted.timeSeconds - sessionStreamStart)))
        }
        publish(.frame(frame, wallClockSeconds: wall))
        for consumer in consumers {
            consumer.wake.signal()
            consumer.notify?()
        }
        recordHandover(hopEnd: hopEnd)
    }

    private func recordHandover(hopEnd: Int) {
        let stamps = capture.writeStamps
        while let stamp = stamps.peek(), stamp.endPosition < hopEnd { _ = stamps.pop() }
        guard let stamp = stamps.peek() else { return }
        counters.recordHandover(nanoseconds: Int(MonotonicClock.nanoseconds() - stamp.monotonicNanoseconds))
    }

    private func publish(_ output: EngineOutput) {
        for consumer in consumers { consumer.push(output) }
    }

    /// A new session or an overrun. Set-up work when the format changes (allocates a new analyzer).
    private func apply(_ marker: SessionMarker) {
        switch marker.kind {
        case .overrun:
            guard let current = session else { return }
            let gap = Double(marker.droppedFrames) / current.sampleRate
            streamOffset += gap
            reportDiscontinuity(gap: gap)
        case .start:
            var gap = 0.0
            if session != nil {
                let expectedWall = sessionWallStart + (lastStreamTime - sessionStreamStart)
                gap = max(0, marker.wallClockSeconds - expectedWall)
            }
            let formatChanged = marker.sampleRate != session?.sampleRate || marker.channelCount != session?.channelCount
            let hadSession = session != nil
            session = marker
            if formatChanged {
                configure(for: marker)
                streamOffset = lastStreamTime + gap
            } else {
                streamOffset += gap
            }
            sessionStreamStart = lastStreamTime + gap
            sessionWallStart = marker.wallClockSeconds
            publish(.session(timeSeconds: sessionStreamStart, sampleRate: marker.sampleRate,
                             channelCount: marker.channelCount, wallClockSeconds: marker.wallClockSeconds, number: marker.session))
            if hadSession { reportDiscontinuity(gap: gap) }
        }
    }

    private func reportDiscontinuity(gap: Double) {
        counters.discontinuities.add(1, ordering: .relaxed)
        let time = lastStreamTime + gap
        publish(.discontinuity(timeSeconds: time, gapSeconds: gap,
                               wallClockSeconds: sessionWallStart + (time - sessionStreamStart)))
    }

    private func configure(for marker: SessionMarker) {
        let configuration = settings.configuration(sampleRate: marker.sampleRate, channelCount: marker.channelCount)
        do {
            let made = try Analyzer(configuration: configuration)
            let needed = made.samplesPerBlock
            if needed > blockCapacity {
                block?.deallocate()
                block = .allocate(capacity: needed)
                blockCapacity = needed
            }
            analyzer = made
            let fellBack = made.detectorFallbackReason != nil
            counters.networkFallbackRate.store(fellBack ? Int(marker.sampleRate) : 0, ordering: .relaxed)
        } catch {
            // The input checks rates before it starts, so this is rare; the main thread reports it.
            analyzer = nil
            counters.rejectedSampleRate.store(Int(marker.sampleRate), ordering: .relaxed)
        }
    }
}
