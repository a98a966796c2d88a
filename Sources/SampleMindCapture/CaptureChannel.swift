import SampleMindRealtime
import Synchronization

/// Where a capture session begins in the sample ring, and in what format. Sent through the same
/// producer thread as the samples, so it is seen exactly where the session's first sample is.
public struct SessionMarker: Sendable, BitwiseCopyable {
    public enum Kind: UInt8, Sendable, BitwiseCopyable {
        /// A new session (first connection, reconnection or a format change).
        case start
        /// The ring was full and `droppedFrames` frames were lost just before `position`.
        case overrun
    }

    public var kind: Kind
    /// Which session: 1 for the channel's first, counting up (overrun markers carry the current one).
    public var session: Int
    /// Ring write position (in samples) of the session's first sample.
    public var position: Int
    public var sampleRate: Double
    public var channelCount: Int
    public var droppedFrames: Int
    /// CLOCK_MONOTONIC nanoseconds and wall-clock seconds when the session's first sample arrived.
    public var monotonicNanoseconds: Int64
    public var wallClockSeconds: Double
}

/// When a write ended: the ring position after it and the CLOCK_MONOTONIC time it was made,
/// so the analysis can measure how long a hop waited between arriving and being analysed.
public struct WriteStamp: Sendable, BitwiseCopyable {
    public var endPosition: Int
    public var monotonicNanoseconds: Int64
}

/// What the input is doing, readable from any thread.
public enum InputState: UInt8, Sendable {
    case waiting, running, disconnected, finished, failed

    public var description: String {
        switch self {
        case .waiting: return "waiting"
        case .running: return "running"
        case .disconnected: return "disconnected"
        case .finished: return "finished"
        case .failed: return "failed"
        }
    }
}

/// The hand-over from a capture thread to the analysis thread: a lock-free sample ring, session
/// markers, a wake-up signal and counters. One capture thread writes at a time (a reconnecting
/// input closes its old thread before it starts the next), and one analysis thread reads.
public final class CaptureChannel: @unchecked Sendable {
    public let ring: SampleRing
    public let markers: SPSCQueue<SessionMarker>
    public let dataReady = WakeSignal()
    /// One stamp per write; when full, stamps (not samples) are dropped.
    public let writeStamps = SPSCQueue<WriteStamp>(
        minimumCapacity: 4_096, filler: WriteStamp(endPosition: 0, monotonicNanoseconds: 0))

    public let xruns = Atomic<Int>(0)
    public let overruns = Atomic<Int>(0)
    public let droppedFrames = Atomic<Int>(0)
    public let capturedFrames = Atomic<Int>(0)
    /// Samples that were NaN or infinite (a faulty source or plug-in) and were replaced by 0.
    public let nonFiniteSamples = Atomic<Int>(0)
    private let stateValue = Atomic<UInt8>(InputState.waiting.rawValue)

    private var channelCount = 1
    private var sampleRate = 48_000.0
    private var pendingDroppedFrames = 0
    private var sessionNumber = 0

    /// Not real-time safe: allocates `ringSamples` floats.
    public init(ringSamples: Int) {
        ring = SampleRing(minimumCapacity: ringSamples)
        markers = SPSCQueue(
            minimumCapacity: 64,
            filler: SessionMarker(kind: .start, session: 0, position: 0, sampleRate: 0, channelCount: 0, droppedFrames: 0,
                                  monotonicNanoseconds: 0, wallClockSeconds: 0))
    }

    public var state: InputState {
        get { InputState(rawValue: stateValue.load(ordering: .acquiring)) ?? .failed }
        set { stateValue.store(newValue.rawValue, ordering: .releasing) }
    }

    /// Starts a session: the samples written after this are `channels`-interleaved at `sampleRate`.
    /// Returns its number (1 for the first), which the engine's `session` output carries too.
    /// Capture thread. Real-time safe: no allocation or locks; it wakes the analysis thread with
    /// ``WakeSignal/signal()``: at most one system call (sem_post's futex wake), which never blocks.
    @discardableResult
    public func startSession(sampleRate: Double, channels: Int) -> Int {
        self.sampleRate = sampleRate
        channelCount = channels
        pendingDroppedFrames = 0
        sessionNumber += 1
        pushMarker(.start, dropped: 0)
        return sessionNumber
    }

    /// Writes whole interleaved frames; when the ring is full they are dropped and counted. Samples
    /// that are NaN or infinite reach the analysis as 0 and are counted in ``nonFiniteSamples``.
    /// Capture thread. Real-time safe: no allocation or locks; it wakes the analysis thread with
    /// ``WakeSignal/signal()``: at most one system call (sem_post's futex wake), which never blocks.
    public func write(_ interleaved: UnsafePointer<Float>, frames: Int) {
        let samples = frames * channelCount
        if pendingDroppedFrames > 0, ring.freeSpace >= samples {
            pushMarker(.overrun, dropped: pendingDroppedFrames)
            pendingDroppedFrames = 0
        }
        if let replaced = ring.write(interleaved, count: samples) {
            if replaced > 0 { nonFiniteSamples.add(replaced, ordering: .relaxed) }
            capturedFrames.add(frames, ordering: .relaxed)
            writeStamps.push(WriteStamp(endPosition: ring.writePosition, monotonicNanoseconds: MonotonicClock.nanoseconds()))
        } else {
            overruns.add(1, ordering: .relaxed)
            droppedFrames.add(frames, ordering: .relaxed)
            pendingDroppedFrames += frames
        }
        dataReady.signal()
    }

    /// Capture side (or its control thread). Real-time safe.
    public func countXrun() { xruns.add(1, ordering: .relaxed) }

    private func pushMarker(_ kind: SessionMarker.Kind, dropped: Int) {
        let marker = SessionMarker(
            kind: kind, session: sessionNumber, position: ring.writePosition, sampleRate: sampleRate, channelCount: channelCount,
            droppedFrames: dropped, monotonicNanoseconds: MonotonicClock.nanoseconds(),
            wallClockSeconds: MonotonicClock.wallClockSeconds())
        if !markers.push(marker) { overruns.add(1, ordering: .relaxed) }
        dataReady.signal()
    }
}
