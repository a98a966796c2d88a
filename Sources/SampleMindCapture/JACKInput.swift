import SampleMindLog
import CJACK
import Glibc
import SampleMindRealtime
import Synchronization

/// A JACK client with one input port per channel. It follows the server's sample rate and buffer
/// size, auto-connects to ports matching the configured patterns, and survives the server going
/// away: the input is reported disconnected and a control thread reopens the client with back-off.
public final class JACKInput: AudioInput, @unchecked Sendable {
    public let clientName: String
    public let channelCount: Int
    /// Regular expressions (JACK's port matching) of output ports to connect to, port i to match i.
    public let connectPatterns: [String]
    /// The longest period the callback takes; longer ones are dropped and counted.
    static let maximumPeriodFrames = 8_192
    /// The MIDI clock's port: CLIENT:midi_clock.
    public static let clockPortName = "midi_clock"
    /// The beat grid for the MIDI clock, or nil when there is no clock port.
    public let clockSchedule: ClockSchedule?
    /// The last plan read from ``clockSchedule``; the process callback's alone.
    private var lastClockPlan: ClockSchedule.Plan?

    private let stopFlag = StopFlag()
    private var control: pthread_t?
    private var client: OpaquePointer?
    private var ports: [OpaquePointer] = []
    private var clockPort: OpaquePointer?
    private var clock = MIDIClockGenerator()
    /// Frames captured in the current session, and its number (the capture channel's, which the
    /// engine's `session` output and so the clock's schedule carry).
    private var sessionFrames = 0
    private var sessionNumber = 0
    private let midiBytes: UnsafeMutablePointer<UInt8>
    /// MIDI clock messages written, and those JACK had no room for in a period (counted, not retried).
    public let midiMessagesSent = Atomic<Int>(0)
    public let midiMessagesLost = Atomic<Int>(0)
    /// Capture-thread state, touched only by the process callback (and set up before activation).
    private var channel: CaptureChannel?
    private var portBuffers: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>
    private let interleaved: UnsafeMutablePointer<Float>
    private var sessionRate = 0.0
    /// Set from JACK's non-real-time threads, read by the callback and the control thread.
    private let serverRate = Atomic<Int>(0)
    private let serverGone = Atomic<Bool>(false)
    /// The pthread id of the process callback's thread while connected (0 otherwise).
    public let processThread = Atomic<UInt>(0)

    public var description: String {
        "JACK client '\(clientName)' (\(channelCount) input port\(channelCount == 1 ? "" : "s"))"
    }

    /// `clockSchedule`: also open a JACK MIDI output with a MIDI clock following that schedule.
    public init(clientName: String = "samplemind", channelCount: Int = 2, connectPatterns: [String] = [],
                clockSchedule: ClockSchedule? = nil) throws(InputError) {
        guard !clientName.isEmpty, clientName.utf8.count <= Int(jack_client_name_size()) - 1 else {
            throw InputError("JACK client name '\(clientName)' must be 1–\(jack_client_name_size() - 1) bytes")
        }
        guard (1...32).contains(channelCount) else {
            throw InputError("the JACK input takes 1–32 channels, got \(channelCount)")
        }
        self.clientName = clientName
        self.channelCount = channelCount
        self.connectPatterns = connectPatterns
        self.clockSchedule = clockSchedule
        midiBytes = .allocate(capacity: 3)
        portBuffers = .allocate(capacity: channelCount)
        portBuffers.initialize(repeating: nil, count: channelCount)
        interleaved = .allocate(capacity: Self.maximumPeriodFrames * channelCount)
    }

    deinit {
        midiBytes.deallocate()
        portBuffers.deallocate()
        interleaved.deallocate()
    }

    public func start(into channel: CaptureChannel, log: @escaping LogSink) throws(InputError) {
        self.channel = channel
        channel.state = .waiting
        JACKLog.route(to: log)
        // A server that answers now must accept the configuration; one that is absent is waited for.
        if try connect(log: log, firstAttempt: true) == false {
            log(.warning, "no JACK server is running; waiting for one (retrying with back-off)")
        }
        control = RealtimeThread.start(priority: nil) { [self] in supervise(log: log) }
    }

    public func stop() {
        stopFlag.set()
        if let control { pthread_join(control, nil) }
        control = nil
        disconnect()
    }

    /// Reconnects whenever the server has gone, with back-off. Control thread.
    private func supervise(log: @escaping LogSink) {
        var backoff = Backoff()
        while !stopFlag.isSet {
            if client != nil, serverGone.load(ordering: .acquiring) {
                log(.warning, "the JACK server went away; analysis continues when it is back")
                disconnect()
                channel?.state = .disconnected
            }
            if client == nil {
                let connected = (try? connect(log: log, firstAttempt: false)) ?? false
                if connected {
                    backoff.reset()
                } else if stopFlag.sleep(backoff.nextDelay()) {
                    break
                }
                continue
            }
            _ = stopFlag.sleep(0.1)
        }
    }

    /// Opens the client, registers ports, activates and connects. Returns false when no server
    /// answers; throws when the server answers but the configuration cannot work.
    private func connect(log: LogSink, firstAttempt: Bool) throws(InputError) -> Bool {
        var status = jack_status_t(rawValue: 0)
        guard let opened = samplemind_jack_client_open(clientName, JackNoStartServer, &status) else {
            return false
        }
        if status.rawValue & JackNameNotUnique.rawValue != 0 {
            log(.warning, "a JACK client named '\(clientName)' already exists; this one is '\(String(cString: jack_get_client_name(opened)))'")
        }
        var registered: [OpaquePointer] = []
        for index in 1...channelCount {
            guard let port = jack_port_register(opened, "in_\(index)", "32 bit float mono audio",
                                                UInt(JackPortIsInput.rawValue), 0) else {
                jack_client_close(opened)
                throw InputError("JACK refused to register input port in_\(index) for client '\(clientName)'")
            }
            registered.append(port)
        }
        if clockSchedule != nil {
            guard let port = jack_port_register(opened, Self.clockPortName, "8 bit raw midi", UInt(JackPortIsOutput.rawValue), 0) else {
                jack_client_close(opened)
                throw InputError("JACK refused to register the MIDI clock port \(Self.clockPortName) for client '\(clientName)'")
            }
            clockPort = port
        }
        client = opened
        ports = registered
        serverGone.store(false, ordering: .releasing)
        serverRate.store(Int(jack_get_sample_rate(opened)), ordering: .releasing)
        sessionRate = 0
        let context = Unmanaged.passUnretained(self).toOpaque()
        jack_set_process_callback(opened, jackProcess, context)
        jack_set_sample_rate_callback(opened, jackSampleRate, context)
        jack_set_xrun_callback(opened, jackXrun, context)
        jack_on_info_shutdown(opened, jackShutdown, context)
        guard jack_activate(opened) == 0 else {
            disconnect()
            throw InputError("the JACK server refused to activate client '\(clientName)'")
        }
        let name = String(cString: jack_get_client_name(opened))
        let connected = try connectPorts(log: log, strict: firstAttempt)
        channel?.state = .running
        log(.info, "connected to JACK as '\(name)' at \(jack_get_sample_rate(opened)) Hz, \(jack_get_buffer_size(opened))-frame periods\(connected.isEmpty ? "" : "; connected \(connected.joined(separator: ", "))")")
        return true
    }

    /// Connects each configured pattern's matching output ports to our inputs (match i to port i).
    private func connectPorts(log: LogSink, strict: Bool) throws(InputError) -> [String] {
        guard let client, !connectPatterns.isEmpty else { return [] }
        var sources: [String] = []
        for pattern in connectPatterns {
            guard let found = jack_get_ports(client, pattern, "32 bit float mono audio", UInt(JackPortIsOutput.rawValue)) else {
                continue
            }
            var index = 0
            while let name = found[index] {
                sources.append(String(cString: name))
                index += 1
            }
            jack_free(found)
        }
        guard !sources.isEmpty else {
            let message = "no JACK output port matches \(connectPatterns.map { "'\($0)'" }.joined(separator: ", ")); list the ports with jack_lsp and fix the connect pattern"
            if strict {
                disconnect()
                throw InputError(message)
            }
            log(.warning, message)
            return []
        }
        var made: [String] = []
        for (index, source) in sources.enumerated() {
            let destination = String(cString: jack_port_name(ports[index % ports.count]))
            let result = jack_connect(client, source, destination)
            if result == 0 || result == EEXIST {
                made.append("\(source) → \(destination)")
            } else {
                log(.warning, "could not connect \(source) to \(destination) (JACK error \(result))")
            }
        }
        return made
    }

    private func disconnect() {
        guard let client else { return }
        jack_client_close(client)
        self.client = nil
        ports = []
        clockPort = nil
        processThread.store(0, ordering: .releasing)
    }

    /// The process callback's body. Real-time safe: no allocation or locks; handing the period to
    /// the capture channel wakes the analysis thread with at most one system call (sem_post's futex
    /// wake), which never blocks.
    fileprivate func process(frames: Int) {
        guard let channel else { return }
        if processThread.load(ordering: .relaxed) == 0 { processThread.store(pthread_self(), ordering: .relaxed) }
        let rate = Double(serverRate.load(ordering: .acquiring))
        if rate != sessionRate {
            sessionRate = rate
            sessionFrames = 0
            sessionNumber = channel.startSession(sampleRate: rate, channels: channelCount)
        }
        let periodStart = sessionFrames
        sessionFrames += frames
        if let clockPort { writeClock(port: clockPort, periodStart: periodStart, frames: frames) }
        guard frames <= Self.maximumPeriodFrames else {
            channel.overruns.add(1, ordering: .relaxed)
            channel.droppedFrames.add(frames, ordering: .relaxed)
            return
        }
        for (index, port) in ports.enumerated() {
            portBuffers[index] = jack_port_get_buffer(port, jack_nframes_t(frames))?.assumingMemoryBound(to: Float.self)
        }
        let channels = channelCount
        for c in 0..<channels {
            guard let source = portBuffers[c] else { continue }
            var target = c
            for i in 0..<frames {
                interleaved[target] = source[i]
                target += channels
            }
        }
        channel.write(interleaved, frames: frames)
    }

    /// This period's MIDI clock messages, at their frame offsets. Real-time safe.
    private func writeClock(port: OpaquePointer, periodStart: Int, frames: Int) {
        guard let buffer = jack_port_get_buffer(port, jack_nframes_t(frames)) else { return }
        jack_midi_clear_buffer(buffer)
        // A read that overlaps the analysis thread's write gives nil: keep the last plan then, or
        // the clock would stop (and wait for a downbeat to start again) for a moment's contention.
        if let fresh = clockSchedule?.read() { lastClockPlan = fresh }
        let plan = lastClockPlan
        let bytes = midiBytes
        clock.render(periodStart: periodStart, frames: frames, plan: plan.flatMap { $0.session == sessionNumber ? $0 : nil }) { offset, message in
            let encoded = message.bytes
            bytes[0] = encoded.0
            bytes[1] = encoded.1
            bytes[2] = encoded.2
            if jack_midi_event_write(buffer, jack_nframes_t(min(offset, frames - 1)), bytes, encoded.count) != 0 {
                midiMessagesLost.add(1, ordering: .relaxed)
            } else {
                midiMessagesSent.add(1, ordering: .relaxed)
            }
        }
    }

    fileprivate func sampleRateChanged(_ rate: Int) { serverRate.store(rate, ordering: .releasing) }
    fileprivate func xrun() { channel?.countXrun() }
    fileprivate func shutdown() { serverGone.store(true, ordering: .releasing) }
}

// JACK's callbacks: plain functions (not closures in main.swift, which Swift 6 would isolate to the
// main actor), each handing over to the client object passed as `arg`.

private func client(_ arg: UnsafeMutableRawPointer?) -> JACKInput {
    Unmanaged<JACKInput>.fromOpaque(arg!).takeUnretainedValue()
}

private func jackProcess(_ frames: jack_nframes_t, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    client(arg).process(frames: Int(frames))
    return 0
}

private func jackSampleRate(_ rate: jack_nframes_t, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    client(arg).sampleRateChanged(Int(rate))
    return 0
}

private func jackXrun(_ arg: UnsafeMutableRawPointer?) -> Int32 {
    client(arg).xrun()
    return 0
}

private func jackShutdown(_ code: jack_status_t, _ reason: UnsafePointer<CChar>?, _ arg: UnsafeMutableRawPointer?) {
    client(arg).shutdown()
}
