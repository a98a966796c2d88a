import ArgumentParser
import Foundation
import SampleMindAnalysis
import SampleMindAudioFile
import SampleMindCapture
import SampleMindEngine
import SampleMindProtocol
import SampleMindRealtime
import SampleMindService
import SampleMindStreaming
import SampleMindSynthesis

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the live daemon: capture from JACK, ALSA or a file and analyse in real time.",
        discussion: """
            --input auto (the default) uses JACK if a server answers, else the ALSA default device if it
            opens, else — only when started from a terminal — SampleMind's demo music. With --print, events
            and one frame per second are written to standard output as JSON Lines. SIGINT or SIGTERM stop it.
            """
    )

    enum InputKind: String, ExpressibleByArgument, CaseIterable { case auto, jack, alsa, file }

    @Option(help: "Where audio comes from: \(InputKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var input: InputKind = .auto

    @Option(help: "Sound file for --input file.")
    var file: String?

    @Flag(help: "Play the file again and again.")
    var loop = false

    @Option(help: "Play the file this many times faster than real time (0: as fast as the analysis goes).")
    var speed: Double = 1

    @Option(help: "ALSA capture device (default, hw:1,0, plughw:…).")
    var device: String = "default"

    @Option(help: "Channels to capture (JACK input ports or ALSA channels).")
    var channels: Int = 2

    @Option(help: "ALSA sample rate to ask for.")
    var rate: Int = 48_000

    @Option(help: "ALSA period in frames to ask for.")
    var period: Int = 256

    @Option(name: .customLong("jack-name"), help: "JACK client name.")
    var jackName: String = "samplemind"

    @Option(name: .customLong("jack-connect"), help: "Connect JACK output ports matching this pattern to our inputs (repeatable), e.g. system:capture_.*")
    var jackConnect: [String] = []

    @Option(help: "SCHED_FIFO priority of the analysis thread (1–99); 0 for normal scheduling.")
    var realtimePriority: Int32 = 70

    @Flag(help: "Write events and a frame per second to standard output as JSON Lines.")
    var print = false

    @Option(help: "Address for the WebSocket stream, HTTP API and dashboard (127.0.0.1: this machine only).")
    var host: String = "127.0.0.1"

    @Option(help: "TCP port for the stream, API and dashboard (0 picks a free one and logs it).")
    var port: Int = 8080

    @Option(help: "Require this bearer token for the stream, /v1 and /metrics.")
    var token: String?

    @Option(name: .customLong("allow-origin"), help: "Also accept WebSocket connections from pages at this origin (repeatable).")
    var allowOrigins: [String] = []

    @Option(name: .customLong("allow-host"), help: "Also answer to this Host name (repeatable; needed when listening beyond localhost).")
    var allowHosts: [String] = []

    @Option(help: "Most WebSocket subscribers at once.")
    var maxClients: Int = 1_000

    @Option(help: "Close a WebSocket client that has not read anything for this many seconds.")
    var clientTimeout: Double = 10

    @Flag(help: "Do not start the network server (analysis and --print only).")
    var noServer = false

    @Option(help: ArgumentHelp("For tests: make the analysis thread hang after this many seconds.", visibility: .hidden))
    var testStallAnalysisAfter: Double?

    func validate() throws {
        if input == .file, file == nil { throw ValidationError("--input file needs --file PATH") }
        if file != nil, input != .file && input != .auto {
            throw ValidationError("--file goes with --input file")
        }
        guard (0...99).contains(realtimePriority) else { throw ValidationError("--realtime-priority must be 0–99") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0–65535") }
    }

    func run() throws {
        ShutdownSignal.install()
        FileDescriptorLimit.raise()
        let log = ConsoleLog.sink
        let source: AudioInput
        do { source = try chooseInput(log: log) } catch {
            throw CommandFailure("cannot start: \(error)")
        }

        var settings = LiveEngine.Settings()
        settings.realtimePriority = realtimePriority > 0 ? realtimePriority : nil
        if realtimePriority > 0, let refusal = RealtimeThread.lockMemory() {
            log(.warning, "could not lock memory (\(refusal)); page faults may delay analysis. Raise LimitMEMLOCK to avoid it")
        }
        let engine = LiveEngine(settings: settings, log: log)
        let printer = print ? engine.addConsumer(name: "print") : nil
        let server = noServer ? nil : try makeServer(engine: engine, source: source, settings: settings, log: log)
        try engine.start()
        if let server {
            do { try server.start() } catch {
                engine.stop()
                throw CommandFailure("cannot start the server: \(error)")
            }
            let shown = host.contains(":") ? "[\(host)]" : host
            log(.info, "listening on http://\(shown):\(server.port)/ (stream: ws://\(shown):\(server.port)/v1/stream)")
        }
        do { try source.start(into: engine.capture, log: log) } catch {
            server?.stop()
            engine.stop()
            throw CommandFailure("cannot start \(source.description): \(error)")
        }
        log(.info, "analysing \(source.description)")
        // Ready once the server answers and the input runs or is being waited for.
        let notifier = SystemdNotifier()
        notifier.notify("READY=1", "STATUS=\(serviceStatus(engine: engine, source: source))")
        var watchdog = Watchdog(notifier: notifier)
        var lastStatusAt = 0.0

        let stallAt = testStallAnalysisAfter.map { MonotonicClock.seconds() + $0 }
        var printState = PrintState()
        var monitor = HealthMonitor(engine: engine, log: log)
        while ShutdownSignal.received == 0 {
            if let printer { printState.drain(printer) } else { usleep(20_000) }
            monitor.check()
            let now = MonotonicClock.seconds()
            watchdog?.check(heartbeat: engine.counters.heartbeat.load(ordering: .relaxed), now: now)
            if now - lastStatusAt >= 2 {
                lastStatusAt = now
                notifier.status(serviceStatus(engine: engine, source: source))
            }
            if let stallAt, now >= stallAt { engine.stallForTesting() }
            if printer != nil, printer!.wake.wait(timeout: 0.02) == false { continue }
        }
        log(.info, "stopping (signal \(ShutdownSignal.received))")
        notifier.notify("STOPPING=1")
        source.stop()
        engine.stop()
        server?.stop()
        if let printer { printState.drain(printer) }
        monitor.check()
    }

    /// One line for `systemctl status`: what the input does and what the music does.
    private func serviceStatus(engine: LiveEngine, source: AudioInput) -> String {
        switch engine.capture.state {
        case .waiting: return "waiting for \(source.description)"
        case .disconnected: return "\(source.description) disconnected; retrying"
        case .finished: return "\(source.description) finished"
        case .failed: return "\(source.description) failed"
        case .running:
            let tempo = engine.counters.tempoBPM
            let key = engine.counters.keyIndex.load(ordering: .relaxed)
            var music: [String] = []
            if tempo > 0 { music.append("\((tempo * 10).rounded() / 10) BPM") }
            if key >= 0 { music.append(MusicalKey(index: key).description) }
            return "analysing \(source.description)" + (music.isEmpty ? "" : ": " + music.joined(separator: ", "))
        }
    }

    private func makeServer(engine: LiveEngine, source: AudioInput, settings: LiveEngine.Settings, log: @escaping LogSink) throws -> StreamServer {
        var configuration = StreamConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.token = token
        configuration.allowedOrigins = allowOrigins
        configuration.allowedHosts = allowHosts
        configuration.maximumClients = maxClients
        configuration.slowClientTimeoutSeconds = clientTimeout
        configuration.staticDirectory = StreamResources.dashboardDirectory
        if configuration.staticDirectory == nil {
            log(.warning, "the dashboard's files were not found beside the binary; the stream and API work, the dashboard does not. Reinstall with scripts/install-service")
        }
        let box = ServerBox()
        let queue = engine.addConsumer(name: "network", capacity: 4_096) { box.server?.wakeUp() }
        let description = source.description
        let status: @Sendable () -> DaemonStatus = { [engine, queue] in
            let counters = engine.counters
            return DaemonStatus(
                version: SampleMindVersion.current, inputDescription: description,
                inputState: engine.capture.state.description,
                xruns: engine.capture.xruns.load(ordering: .relaxed), ringOverruns: engine.capture.overruns.load(ordering: .relaxed),
                analysisHeartbeat: counters.heartbeat.load(ordering: .relaxed), analysisBlocks: counters.blocks.load(ordering: .relaxed),
                analysisMeanSeconds: counters.meanAnalysisSeconds,
                analysisMaxSeconds: Double(counters.analysisNanosecondsMax.load(ordering: .relaxed)) / 1e9,
                engineQueueDrops: queue.droppedFrames.load(ordering: .relaxed) + queue.droppedEvents.load(ordering: .relaxed),
                degradedReasons: [])
        }
        do {
            let server = try StreamServer(configuration: configuration, engineQueue: queue, settings: settings, status: status) {
                log(.info, $0)
            }
            box.server = server
            return server
        } catch {
            throw CommandFailure("server configuration: \(error)")
        }
    }

    private func chooseInput(log: LogSink) throws(InputError) -> AudioInput {
        switch input {
        case .jack:
            return try JACKInput(clientName: jackName, channelCount: channels, connectPatterns: jackConnect)
        case .alsa:
            return try ALSAInput(device: device, sampleRate: rate, channels: channels, periodFrames: period,
                                 realtimePriority: realtimePriority > 0 ? realtimePriority : nil)
        case .file:
            return try FileInput(path: file!, loop: loop, speed: speed, periodFrames: period)
        case .auto:
            if let file { return try FileInput(path: file, loop: loop, speed: speed, periodFrames: period) }
            if InputProbe.jackServerIsRunning() {
                log(.info, "input auto: a JACK server answers; using JACK")
                return try JACKInput(clientName: jackName, channelCount: channels, connectPatterns: jackConnect)
            }
            if InputProbe.alsaDeviceOpens(device) {
                log(.info, "input auto: no JACK server; ALSA device '\(device)' opens; using it")
                return try ALSAInput(device: device, sampleRate: rate, channels: channels, periodFrames: period,
                                     realtimePriority: realtimePriority > 0 ? realtimePriority : nil)
            }
            guard isatty(STDIN_FILENO) == 1 else {
                log(.warning, "input auto: no JACK server and no ALSA device '\(device)'; waiting for a JACK server (the demo music plays only when started from a terminal)")
                return try JACKInput(clientName: jackName, channelCount: channels, connectPatterns: jackConnect)
            }
            let demo = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-demo.wav").path
            if !FileManager.default.fileExists(atPath: demo) {
                do {
                    try AudioFileWriter.write(DemoSong.make().stereo(), sampleRate: Int(DemoSong.sampleRate),
                                              channelCount: 2, to: demo)
                } catch { throw InputError("cannot write the demo music: \(error)") }
            }
            log(.info, "input auto: no JACK server and no ALSA device; playing SampleMind's demo music (\(demo)) in a loop")
            return try FileInput(path: demo, loop: true, speed: 1, periodFrames: period)
        }
    }
}

/// Prints every event and the first frame of each second of stream time.
struct PrintState {
    private var nextFrameSecond = 0.0

    mutating func drain(_ queue: OutputQueue) {
        while let output = queue.pop() {
            switch output {
            case .frame(let frame, let wall):
                guard frame.timeSeconds >= nextFrameSecond else { continue }
                nextFrameSecond = frame.timeSeconds.rounded(.down) + 1
                Self.write(FrameJSON.encode(frame, wallClockSeconds: wall))
            case .event(let event, let wall):
                Self.write(EventJSON.encode(event, wallClockSeconds: wall))
            case .session(let t, let rate, let channels, let wall):
                Self.write(EventJSON.session(timeSeconds: t, sampleRate: rate, channelCount: channels, wallClockSeconds: wall))
            case .discontinuity(let t, let gap, let wall):
                Self.write(EventJSON.discontinuity(timeSeconds: t, gapSeconds: gap, wallClockSeconds: wall))
            }
        }
    }

    private static func write(_ line: String) {
        StandardOutput.write(line)
    }
}
