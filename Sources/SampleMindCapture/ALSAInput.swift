import SampleMindLog
import CALSA
import Glibc
import SampleMindRealtime

/// Captures from an ALSA device (`default`, `hw:1,0`, `plughw:…`, or a PCM defined in asoundrc).
/// It negotiates format (FLOAT, S32, S24, S16), rate, channels, period and buffer size and logs what
/// it got; recovers from xruns (counted); and when the device vanishes, retries with back-off.
public final class ALSAInput: AudioInput, @unchecked Sendable {
    public let device: String
    public let requestedRate: Int
    public let requestedChannels: Int
    public let requestedPeriodFrames: Int
    private let stopFlag = StopFlag()
    private var thread: pthread_t?
    private let priority: Int32?

    public var description: String { "ALSA device '\(device)'" }

    public init(device: String = "default", sampleRate: Int = 48_000, channels: Int = 2, periodFrames: Int = 256,
                realtimePriority: Int32? = nil) throws(InputError) {
        guard !device.isEmpty else { throw InputError("the ALSA device name is empty; use e.g. 'default' or 'hw:1,0'") }
        guard (8_000...192_000).contains(sampleRate) else {
            throw InputError("ALSA sample rate \(sampleRate) Hz is outside 8000–192000")
        }
        guard (1...32).contains(channels) else { throw InputError("ALSA channels must be 1–32, got \(channels)") }
        guard (16...16_384).contains(periodFrames) else {
            throw InputError("ALSA period must be 16–16384 frames, got \(periodFrames)")
        }
        self.device = device
        requestedRate = sampleRate
        requestedChannels = channels
        requestedPeriodFrames = periodFrames
        priority = realtimePriority
    }

    public func start(into channel: CaptureChannel, log: @escaping LogSink) throws(InputError) {
        samplemind_alsa_silence_library_errors()
        channel.state = .waiting
        // A name ALSA's configuration does not know is a configuration error; a card that is not
        // plugged in (hw:/plughw:) is waited for.
        var probe: OpaquePointer?
        let result = snd_pcm_open(&probe, device, SND_PCM_STREAM_CAPTURE, Int32(SND_PCM_NONBLOCK))
        if result == 0 {
            snd_pcm_close(probe)
        } else if !(device.hasPrefix("hw:") || device.hasPrefix("plughw:")) {
            throw InputError("ALSA capture device '\(device)' cannot be opened (\(Self.describe(result))); list devices with 'arecord -L' and set the device name")
        } else {
            log(.warning, "ALSA device '\(device)' is not there (\(Self.describe(result))); waiting for it (retrying with back-off)")
        }
        thread = RealtimeThread.start(priority: priority) { [self] in capture(into: channel, log: log) }
    }

    public func stop() {
        stopFlag.set()
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    static func describe(_ code: Int32) -> String { String(cString: snd_strerror(code)) }

    /// An open, configured capture stream.
    private struct Stream {
        var pcm: OpaquePointer
        var format: ALSAFormat
        var rate: Int
        var channels: Int
        var periodFrames: Int
    }

    /// Capture thread: open, read until the device fails, close, retry.
    private func capture(into channel: CaptureChannel, log: @escaping LogSink) {
        var backoff = Backoff()
        var reportedAbsent = false
        while !stopFlag.isSet {
            let stream: Stream
            switch open() {
            case .success(let opened):
                stream = opened
            case .failure(let error):
                if !reportedAbsent { log(.warning, "\(error.description); retrying with back-off") }
                reportedAbsent = true
                channel.state = channel.state == .running ? .disconnected : channel.state
                if stopFlag.sleep(backoff.nextDelay()) { return }
                continue
            }
            reportedAbsent = false
            backoff.reset()
            log(.info, "capturing from ALSA '\(device)': \(stream.format.name), \(stream.rate) Hz, \(stream.channels) channel(s), \(stream.periodFrames)-frame periods")
            channel.startSession(sampleRate: Double(stream.rate), channels: stream.channels)
            channel.state = .running
            let reason = read(stream, into: channel)
            snd_pcm_close(stream.pcm)
            if let reason, !stopFlag.isSet {
                log(.warning, "ALSA device '\(device)' stopped (\(reason)); waiting for it to come back")
                channel.state = .disconnected
            }
        }
    }

    /// Reads periods until stopped (nil) or the device fails (the reason).
    private func read(_ stream: Stream, into channel: CaptureChannel) -> String? {
        let samples = stream.periodFrames * stream.channels
        let raw = UnsafeMutableRawPointer.allocate(byteCount: samples * stream.format.bytesPerSample, alignment: 16)
        let converted = UnsafeMutablePointer<Float>.allocate(capacity: samples)
        defer {
            raw.deallocate()
            converted.deallocate()
        }
        while !stopFlag.isSet {
            let got = snd_pcm_readi(stream.pcm, raw, snd_pcm_uframes_t(stream.periodFrames))
            if got < 0 {
                let code = Int32(got)
                if code == -EAGAIN { continue }
                if code == -EPIPE || code == -ESTRPIPE || code == -EINTR {
                    channel.countXrun()
                    if snd_pcm_recover(stream.pcm, code, 1) == 0 { continue }
                }
                return Self.describe(code)
            }
            guard got > 0 else { continue }
            stream.format.convert(raw, count: Int(got) * stream.channels, into: converted)
            channel.write(converted, frames: Int(got))
        }
        return nil
    }

    private func open() -> Result<Stream, InputError> {
        var handle: OpaquePointer?
        var result = snd_pcm_open(&handle, device, SND_PCM_STREAM_CAPTURE, 0)
        guard result == 0, let pcm = handle else {
            return .failure(InputError("cannot open ALSA device '\(device)' (\(Self.describe(result)))"))
        }
        var params: OpaquePointer?
        guard snd_pcm_hw_params_malloc(&params) == 0, let hw = params else {
            snd_pcm_close(pcm)
            return .failure(InputError("out of memory configuring ALSA device '\(device)'"))
        }
        defer { snd_pcm_hw_params_free(hw) }
        func fail(_ what: String, _ code: Int32) -> Result<Stream, InputError> {
            snd_pcm_close(pcm)
            return .failure(InputError("ALSA device '\(device)' refused \(what) (\(Self.describe(code)))"))
        }
        result = snd_pcm_hw_params_any(pcm, hw)
        if result < 0 { return fail("to be configured", result) }
        result = snd_pcm_hw_params_set_access(pcm, hw, SND_PCM_ACCESS_RW_INTERLEAVED)
        if result < 0 { return fail("interleaved access", result) }
        guard let format = ALSAFormat.allCases.first(where: { snd_pcm_hw_params_test_format(pcm, hw, $0.alsa) == 0 }) else {
            return fail("every sample format SampleMind reads (FLOAT, S32, S24, S16)", -EINVAL)
        }
        result = snd_pcm_hw_params_set_format(pcm, hw, format.alsa)
        if result < 0 { return fail("format \(format.name)", result) }
        var channels = UInt32(requestedChannels)
        result = snd_pcm_hw_params_set_channels_near(pcm, hw, &channels)
        if result < 0 { return fail("\(requestedChannels) channels", result) }
        var rate = UInt32(requestedRate)
        var direction: Int32 = 0
        result = snd_pcm_hw_params_set_rate_near(pcm, hw, &rate, &direction)
        if result < 0 { return fail("a rate near \(requestedRate) Hz", result) }
        var period = snd_pcm_uframes_t(requestedPeriodFrames)
        result = snd_pcm_hw_params_set_period_size_near(pcm, hw, &period, &direction)
        if result < 0 { return fail("a period near \(requestedPeriodFrames) frames", result) }
        var buffer = period * 4
        result = snd_pcm_hw_params_set_buffer_size_near(pcm, hw, &buffer)
        if result < 0 { return fail("a buffer of \(buffer) frames", result) }
        result = snd_pcm_hw_params(pcm, hw)
        if result < 0 { return fail("the configuration", result) }
        guard (8_000...192_000).contains(Int(rate)) else {
            snd_pcm_close(pcm)
            return .failure(InputError("ALSA device '\(device)' runs at \(rate) Hz, which SampleMind cannot analyse (8000–192000 Hz)"))
        }
        return .success(Stream(pcm: pcm, format: format, rate: Int(rate), channels: Int(channels), periodFrames: Int(period)))
    }
}
