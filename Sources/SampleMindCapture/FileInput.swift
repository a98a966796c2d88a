import SampleMindLog
import Glibc
import SampleMindAudioFile
import SampleMindRealtime
import SampleMindValidation

/// Plays a sound file into the analysis as if it were live: one period at a time, paced by the
/// clock (`speed` times faster than real time), or as fast as the analysis takes it with speed 0.
/// It waits when the ring is full rather than dropping, since a file is never late.
public final class FileInput: AudioInput, @unchecked Sendable {
    public let path: String
    public let loop: Bool
    public let speed: Double
    public let periodFrames: Int
    private let stopFlag = StopFlag()
    private var thread: pthread_t?
    private var finishedPlaying = false

    public var description: String {
        "file '\(printablePath)'\(loop ? " (looping)" : "")\(speed == 1 ? "" : speed == 0 ? " at full speed" : " at \(speed)× speed")"
    }

    /// The path as it may be printed: control characters escaped.
    private var printablePath: String { PrintableText.escaped(path) }

    /// `speed` 1 is real time; 0 means as fast as possible. Below a hundredth of real time the
    /// wait between periods would grow without bound (and beyond `Int64` nanoseconds it would trap).
    public init(path: String, loop: Bool = false, speed: Double = 1, periodFrames: Int = 256) throws(InputError) {
        guard speed == 0 || (0.01...10_000).contains(speed) else {
            throw InputError("the file's speed must be 0 (as fast as the analysis goes) or from 0.01 to 10000 times real time, got \(speed)")
        }
        guard (16...65_536).contains(periodFrames) else {
            throw InputError("the file input's period must be 16…65536 frames, got \(periodFrames)")
        }
        self.path = path
        self.loop = loop
        self.speed = speed
        self.periodFrames = periodFrames
    }

    public func start(into channel: CaptureChannel, log: @escaping LogSink) throws(InputError) {
        // Open once now, so a bad file is a clear error at start-up rather than a silent wait.
        let reader: AudioFileReader
        do { reader = try AudioFileReader(path: path) } catch { throw InputError(error.description) }
        guard (8_000...192_000).contains(reader.sampleRate) else {
            throw InputError("\(printablePath) is at \(Int(reader.sampleRate)) Hz, which SampleMind cannot analyse; resample it to 8000–192000 Hz")
        }
        log(.info, "playing \(description): \(Int(reader.sampleRate)) Hz, \(reader.channelCount) channel(s)")
        thread = RealtimeThread.start(priority: nil) { [self] in
            play(first: reader, into: channel, log: log)
        }
    }

    public func stop() {
        stopFlag.set()
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private func play(first: AudioFileReader, into channel: CaptureChannel, log: @escaping LogSink) {
        var reader: AudioFileReader? = first
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: periodFrames * first.channelCount)
        defer { buffer.deallocate() }
        channel.startSession(sampleRate: first.sampleRate, channels: first.channelCount)
        channel.state = .running
        // Looping continues the same session: the music simply starts again.
        while let current = reader, !stopFlag.isSet {
            let outcome = playOnce(current, buffer: buffer, into: channel)
            if case .failed(let reason) = outcome {
                log(.error, "stopped playing \(printablePath): \(reason)")
                channel.state = .failed
                return
            }
            guard loop, !stopFlag.isSet else { break }
            reader = try? AudioFileReader(path: path)
            if let next = reader, next.sampleRate != first.sampleRate || next.channelCount != first.channelCount {
                log(.error, "\(printablePath) changed format while looping; stopping playback")
                reader = nil
            } else if reader == nil {
                log(.error, "cannot reopen \(printablePath) to loop it")
            }
        }
        if !stopFlag.isSet {
            channel.state = .finished
            log(.info, "finished playing \(printablePath)")
        }
    }

    private enum Outcome { case ended, stopped, failed(String) }

    private func playOnce(_ reader: AudioFileReader, buffer: UnsafeMutablePointer<Float>, into channel: CaptureChannel) -> Outcome {
        let channels = reader.channelCount
        let periodNanoseconds = speed > 0 ? Int64(Double(periodFrames) / reader.sampleRate / speed * 1e9) : 0
        var deadline = MonotonicClock.nanoseconds()
        let bufferPointer = UnsafeMutableBufferPointer(start: buffer, count: periodFrames * channels)
        while !stopFlag.isSet {
            let frames: Int
            do { frames = try reader.read(into: bufferPointer, frames: periodFrames) } catch {
                return .failed(error.description)
            }
            guard frames > 0 else { return .ended }
            while channel.ring.freeSpace < frames * channels {
                if stopFlag.sleep(0.002) { return .stopped }
            }
            channel.write(buffer, frames: frames)
            if periodNanoseconds > 0 {
                deadline += periodNanoseconds
                Self.sleep(until: deadline)
            }
        }
        return .stopped
    }

    private static func sleep(until deadline: Int64) {
        var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
    }
}
