import ArgumentParser
import Foundation
import SampleMindAnalysis
import SampleMindAudioFile
import SampleMindCapture
import SampleMindConfiguration
import SampleMindEngine
import SampleMindPerformance
import SampleMindProtocol
import SampleMindRealtime
import SampleMindService
import SampleMindStorage
import SampleMindStreaming
import SampleMindSynthesis
import SampleMindValidation

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

    // Every option here overrides the configuration file and the environment (see check-config).

    @Option(help: "Configuration file (TOML; default: $SAMPLEMIND_CONFIG if set). See config/samplemind.toml.")
    var config: String?

    @Option(help: "Where audio comes from: \(InputKind.allCases.map(\.rawValue).joined(separator: ", ")). [input.kind]")
    var input: InputKind?

    @Option(help: "Sound file for --input file. [input.file.path]")
    var file: String?

    @Flag(help: "Play the file again and again. [input.file.loop]")
    var loop = false

    @Option(help: "Play the file this many times faster than real time, 0.01–10000 (0: as fast as the analysis goes). [input.file.speed]")
    var speed: Double?

    @Option(help: "ALSA capture device (default, hw:1,0, plughw:…). [input.alsa.device]")
    var device: String?

    @Option(help: "Channels to capture (JACK input ports or ALSA channels). [input.channels]")
    var channels: Int?

    @Option(help: "ALSA sample rate to ask for. [input.alsa.sample_rate]")
    var rate: Int?

    @Option(help: "ALSA period in frames to ask for. [input.alsa.period_frames]")
    var period: Int?

    @Option(name: .customLong("jack-name"), help: "JACK client name. [input.jack.client_name]")
    var jackName: String?

    @Option(name: .customLong("jack-connect"), help: "Connect JACK output ports matching this pattern to our inputs (repeatable), e.g. system:capture_.* [input.jack.connect]")
    var jackConnect: [String] = []

    @Option(help: "SCHED_FIFO priority of the analysis thread (1–99); 0 for normal scheduling. [analysis.realtime_priority]")
    var realtimePriority: Int?

    @Flag(help: "Write events and a frame per second to standard output as JSON Lines.")
    var print = false

    @Option(help: "Address for the WebSocket stream, HTTP API and dashboard (127.0.0.1: this machine only). [server.host]")
    var host: String?

    @Option(help: "TCP port for the stream, API and dashboard (0 picks a free one and logs it). [server.port]")
    var port: Int?

    @Option(help: "Require this bearer token for the stream, /v1 and /metrics (other users can read it with ps; prefer --token-file). [server.token]")
    var token: String?

    @Option(help: "Read the bearer token from this file (a trailing newline is ignored; read again on reload). [server.token_file]")
    var tokenFile: String?

    @Option(name: .customLong("allow-origin"), help: "Also accept WebSocket connections from pages at this origin (repeatable). [server.allowed_origins]")
    var allowOrigins: [String] = []

    @Option(name: .customLong("allow-host"), help: "Also answer to this Host name (repeatable; needed when listening beyond localhost). [server.allowed_hosts]")
    var allowHosts: [String] = []

    @Option(help: "Most WebSocket subscribers at once. [server.max_clients]")
    var maxClients: Int?

    @Option(help: "Close a WebSocket client that has not read anything for this many seconds. [server.client_timeout_s]")
    var clientTimeout: Double?

    @Flag(help: "Do not start the network server (analysis and --print only). [server.enabled]")
    var noServer = false

    @Option(help: "SQLite file for segments (default: $STATE_DIRECTORY or ~/.local/share/samplemind). [storage.path]")
    var db: String?

    @Flag(help: "Do not store segments. [storage.enabled]")
    var noStorage = false

    @Option(help: "Beats per bar, for bar positions (1–16). [analysis.beats_per_bar]")
    var meter: Int?

    @Option(name: .customLong("osc"), help: "Send OSC to HOST:PORT, or HOST:PORT@LEADms (repeatable). [osc.targets]")
    var oscTargets: [String] = []

    @Option(help: "Send beats this many milliseconds early over OSC (0–500). [osc.lead_ms]")
    var leadMs: Int?

    @Option(help: "Take stage controls over OSC on this UDP port (0: off). [osc.listen_port]")
    var oscListenPort: Int?

    @Flag(help: "Send MIDI clock on the JACK MIDI port CLIENT:midi_clock. [midi.clock]")
    var midiClock = false

    @Option(help: "Least important messages logged: debug, info, warning, error. [log.level]")
    var logLevel: String?

    @Option(help: "Log format: text or json. [log.format]")
    var logFormat: String?

    @Option(help: ArgumentHelp("For tests: make the analysis thread hang after this many seconds.", visibility: .hidden))
    var testStallAnalysisAfter: Double?

    /// The command line's values by configuration key.
    var overrides: [String: ConfigurationValue] {
        var values: [String: ConfigurationValue] = [:]
        if let input { values["input.kind"] = .string(input.rawValue) }
        if let file {
            values["input.file.path"] = .string(file)
            if input == nil { values["input.kind"] = .string("file") }
        }
        if loop { values["input.file.loop"] = .boolean(true) }
        if let speed { values["input.file.speed"] = .number(speed) }
        if let device { values["input.alsa.device"] = .string(device) }
        if let channels { values["input.channels"] = .integer(channels) }
        if let rate { values["input.alsa.sample_rate"] = .integer(rate) }
        if let period { values["input.alsa.period_frames"] = .integer(period) }
        if let jackName { values["input.jack.client_name"] = .string(jackName) }
        if !jackConnect.isEmpty { values["input.jack.connect"] = .strings(jackConnect) }
        if let realtimePriority { values["analysis.realtime_priority"] = .integer(realtimePriority) }
        if let host { values["server.host"] = .string(host) }
        if let port { values["server.port"] = .integer(port) }
        if let token { values["server.token"] = .string(token) }
        if let tokenFile { values["server.token_file"] = .string(tokenFile) }
        if !allowOrigins.isEmpty { values["server.allowed_origins"] = .strings(allowOrigins) }
        if !allowHosts.isEmpty { values["server.allowed_hosts"] = .strings(allowHosts) }
        if let maxClients { values["server.max_clients"] = .integer(maxClients) }
        if let clientTimeout { values["server.client_timeout_s"] = .number(clientTimeout) }
        if noServer { values["server.enabled"] = .boolean(false) }
        if let db { values["storage.path"] = .string(db) }
        if noStorage { values["storage.enabled"] = .boolean(false) }
        if let meter { values["analysis.beats_per_bar"] = .integer(meter) }
        if !oscTargets.isEmpty { values["osc.targets"] = .strings(oscTargets) }
        if let leadMs { values["osc.lead_ms"] = .integer(leadMs) }
        if let oscListenPort { values["osc.listen_port"] = .integer(oscListenPort) }
        if midiClock { values["midi.clock"] = .boolean(true) }
        if let logLevel { values["log.level"] = .string(logLevel) }
        if let logFormat { values["log.format"] = .string(logFormat) }
        return values
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        var options: LoadedConfiguration
        do {
            options = try ConfigurationLoader.load(filePath: config ?? environment["SAMPLEMIND_CONFIG"], environment: environment,
                                                   overrides: overrides)
        } catch {
            StandardError.write("samplemind: configuration: \(error)")
            throw ExitCode(ConfigurationError.exitStatus)
        }
        ShutdownSignal.install()
        FileDescriptorLimit.raise()
        ConsoleLog.configure(level: options.string("log.level") ?? "info", json: options.string("log.format") == "json")
        let log = ConsoleLog.sink
        let source: AudioInput
        do { source = try chooseInput(options, log: log) } catch {
            StandardError.write("samplemind: configuration: cannot start: \(error)")
            throw ExitCode(ConfigurationError.exitStatus)
        }

        let realtimePriority = Int32(options.integer("analysis.realtime_priority"))
        var settings = LiveEngine.Settings()
        settings.realtimePriority = realtimePriority > 0 ? realtimePriority : nil
        settings.beatsPerBar = options.integer("analysis.beats_per_bar")
        if realtimePriority > 0, let refusal = RealtimeThread.lockMemory() {
            log(.warning, "could not lock memory (\(refusal)); page faults may delay analysis. Raise LimitMEMLOCK to avoid it")
        }
        let engine = LiveEngine(settings: settings, log: log)
        let printer = print ? engine.addConsumer(name: "print") : nil
        let box = ServerBox()
        var writer: StorageWriter?
        if options.boolean("storage.enabled") {
            do {
                writer = try SegmentStorage.start(options, environment: environment, engine: engine, input: source.description,
                                                  server: { box.server }, log: log)
            } catch {
                StandardError.write("samplemind: storage: \(error)")
                throw ExitCode(ConfigurationError.exitStatus)
            }
        }
        if options.boolean("midi.clock"), !(source is JACKInput) {
            log(.warning, "midi.clock is on but the input is not JACK, so there is no MIDI clock; start a JACK server or use --input jack")
        }
        let performance: PerformerOutputs
        do {
            performance = try PerformerOutputs.make(options, engine: engine, clockSchedule: (source as? JACKInput)?.clockSchedule, log: log)
        } catch {
            StandardError.write("samplemind: configuration: \(error)")
            throw ExitCode(ConfigurationError.exitStatus)
        }
        let server = options.boolean("server.enabled")
            ? try makeServer(options, engine: engine, source: source, settings: settings, box: box, storage: writer,
                             performance: performance, log: log) : nil
        server?.controls = engine.addControlSource(name: "websocket")
        try engine.start()
        performance.start()
        writer?.start()
        do { try source.start(into: engine.capture, log: log) } catch {
            // Inputs throw only when their configuration cannot work (EX_CONFIG).
            engine.stop()
            StandardError.write("samplemind: configuration: cannot start \(source.description): \(error)")
            throw ExitCode(ConfigurationError.exitStatus)
        }
        if let server {
            do { try server.start() } catch {
                source.stop()
                engine.stop()
                throw CommandFailure("cannot start the server: \(error)")
            }
            let host = server.configuration.host
            let shown = host.contains(":") ? "[\(host)]" : host
            log(.info, "listening on http://\(shown):\(server.port)/ (stream: ws://\(shown):\(server.port)/v1/stream)")
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
            if ShutdownSignal.takeReloadRequest() {
                notifier.notify("RELOADING=1")
                reload(&options, server: server, log: log)
                notifier.notify("READY=1")
            }
            if printer != nil, printer!.wake.wait(timeout: 0.02) == false { continue }
        }
        log(.info, "stopping (signal \(ShutdownSignal.received))")
        notifier.notify("STOPPING=1")
        source.stop()
        engine.stop()
        performance.stop()
        // The open segment is closed and everything queued is written before the stream closes.
        writer?.stop()
        server?.stop()
        if let printer { printState.drain(printer) }
        monitor.check()
    }

    static func streamConfiguration(_ options: LoadedConfiguration) -> StreamConfiguration {
        var configuration = StreamConfiguration()
        configuration.host = options.string("server.host") ?? "127.0.0.1"
        configuration.port = options.integer("server.port")
        configuration.token = options.string("server.token")
        configuration.allowedOrigins = options.strings("server.allowed_origins")
        configuration.allowedHosts = options.strings("server.allowed_hosts")
        configuration.maximumClients = options.integer("server.max_clients")
        configuration.slowClientTimeoutSeconds = options.number("server.client_timeout_s")
        return configuration
    }

    /// Options SIGHUP applies to the running daemon; any other change needs a restart.
    static let reloadable: Set<String> = [
        "log.level", "log.format", "server.token", "server.token_file", "server.allowed_origins", "server.allowed_hosts",
        "server.max_clients", "server.client_timeout_s",
    ]

    /// SIGHUP: reads the configuration again, applies what can change without touching audio,
    /// and says what it applied and what needs a restart. A bad file changes nothing.
    private func reload(_ current: inout LoadedConfiguration, server: StreamServer?, log: LogSink) {
        let environment = ProcessInfo.processInfo.environment
        let updated: LoadedConfiguration
        do {
            updated = try ConfigurationLoader.load(filePath: config ?? environment["SAMPLEMIND_CONFIG"], environment: environment,
                                                   overrides: overrides)
        } catch {
            log(.error, "reload refused, the running configuration stays: \(error)")
            return
        }
        let changed = DaemonOptions.all.map(\.path).filter { current.values[$0] != updated.values[$0] }
        let applied = changed.filter(Self.reloadable.contains)
        let needRestart = changed.filter { !Self.reloadable.contains($0) }
        ConsoleLog.configure(level: updated.string("log.level") ?? "info", json: updated.string("log.format") == "json")
        if let server {
            do { try server.reload(Self.streamConfiguration(updated)) } catch {
                log(.error, "reload refused, the running configuration stays: \(error)")
                return
            }
        }
        log(.info, applied.isEmpty ? "reloaded the configuration: nothing to change" : "reloaded: \(applied.joined(separator: ", "))")
        if server != nil {
            for change in Self.accessChanges(from: current, to: updated) { log(.warning, change) }
        }
        current = updated
        if !needRestart.isEmpty {
            log(.warning, "not reloaded, restart to apply: \(needRestart.joined(separator: ", "))")
        }
    }

    /// What a reload changes about who may connect, for the log: an admin must see that a reload
    /// opened the server or locked clients out. The token itself is never put in the log.
    private static func accessChanges(from old: LoadedConfiguration, to new: LoadedConfiguration) -> [String] {
        var changes: [String] = []
        switch (old.string("server.token"), new.string("server.token")) {
        case (nil, _?):
            changes.append("reload: an access token is now required for /v1, /metrics and the stream; clients must send it")
        case (_?, nil):
            changes.append("reload: the access token was removed; /v1, /metrics and the stream are now open to anyone who can reach the port")
        case (let before?, let after?) where before != after:
            changes.append("reload: the access token changed; clients must use the new one")
        default:
            break
        }
        for (path, name) in [("server.allowed_origins", "allowed origins"), ("server.allowed_hosts", "allowed hosts")] {
            let before = ConfigurationValue.strings(old.strings(path)), after = ConfigurationValue.strings(new.strings(path))
            if before != after { changes.append("reload: \(name) changed: \(before) → \(after)") }
        }
        return changes
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

    private func makeServer(
        _ options: LoadedConfiguration, engine: LiveEngine, source: AudioInput, settings: LiveEngine.Settings, box: ServerBox,
        storage: StorageWriter?, performance: PerformerOutputs, log: @escaping LogSink
    ) throws -> StreamServer {
        var configuration = Self.streamConfiguration(options)
        configuration.staticDirectory = StreamResources.dashboardDirectory
        if configuration.staticDirectory == nil {
            log(.warning, "the dashboard's files were not found beside the binary; the stream and API work, the dashboard does not. Reinstall with scripts/install-service")
        }
        let queue = engine.addConsumer(name: "network", capacity: 4_096) { box.server?.wakeUp() }
        let description = source.description
        let status: @Sendable () -> DaemonStatus = { [engine, queue] in
            let counters = engine.counters
            var status = DaemonStatus(
                version: SampleMindVersion.current, inputDescription: description,
                inputState: engine.capture.state.description,
                xruns: engine.capture.xruns.load(ordering: .relaxed), ringOverruns: engine.capture.overruns.load(ordering: .relaxed),
                analysisHeartbeat: counters.heartbeat.load(ordering: .relaxed), analysisBlocks: counters.blocks.load(ordering: .relaxed),
                analysisMeanSeconds: counters.meanAnalysisSeconds,
                analysisMaxSeconds: Double(counters.analysisNanosecondsMax.load(ordering: .relaxed)) / 1e9,
                engineQueueDrops: queue.droppedFrames.load(ordering: .relaxed) + queue.droppedEvents.load(ordering: .relaxed),
                degradedReasons: storage?.problem.map { [$0] } ?? [])
            status.capturedFrames = engine.capture.capturedFrames.load(ordering: .relaxed)
            status.discontinuities = counters.discontinuities.load(ordering: .relaxed)
            status.discardedSamples = counters.discardedSamples.load(ordering: .relaxed)
            status.nonFiniteSamples = engine.capture.nonFiniteSamples.load(ordering: .relaxed)
            if let storage {
                status.segmentsExpired = storage.segmentsExpired.load(ordering: .relaxed)
                status.segmentsStored = storage.segmentsStored.load(ordering: .relaxed)
                status.storageWriteFailures = storage.writeFailures.load(ordering: .relaxed)
                status.storageBacklog = storage.backlogCount.load(ordering: .relaxed)
                status.segmentsLost = storage.segmentsLost.load(ordering: .relaxed)
            }
            performance.report(into: &status)
            if let jack = source as? JACKInput { status.midiMessagesLost = jack.midiMessagesLost.load(ordering: .relaxed) }
            return status
        }
        do {
            let server = try StreamServer(configuration: configuration, engineQueue: queue, settings: settings, status: status, log: log)
            box.server = server
            if let storage {
                let api = SegmentAPI(databasePath: storage.path)
                server.api = api
                Thread.detachNewThread { api.warmUp() }
            }
            return server
        } catch {
            throw CommandFailure("server configuration: \(error)")
        }
    }

    private func chooseInput(_ options: LoadedConfiguration, log: LogSink) throws(InputError) -> AudioInput {
        let channels = options.integer("input.channels")
        let priority = options.integer("analysis.realtime_priority")
        let jackName = options.string("input.jack.client_name") ?? "samplemind"
        let device = options.string("input.alsa.device") ?? "default"
        func jack() throws(InputError) -> AudioInput {
            try JACKInput(clientName: jackName, channelCount: channels, connectPatterns: options.strings("input.jack.connect"),
                          clockSchedule: options.boolean("midi.clock") ? ClockSchedule() : nil)
        }
        func alsa() throws(InputError) -> AudioInput {
            try ALSAInput(device: device, sampleRate: options.integer("input.alsa.sample_rate"), channels: channels,
                          periodFrames: options.integer("input.alsa.period_frames"),
                          realtimePriority: priority > 0 ? Int32(priority) : nil)
        }
        if options.boolean("midi.clock"), options.string("input.kind") != "jack", options.string("input.kind") != "auto" {
            throw InputError("midi.clock needs the JACK input (the clock is a JACK MIDI port); use --input jack")
        }
        switch options.string("input.kind") {
        case "jack": return try jack()
        case "alsa": return try alsa()
        case "file":
            return try FileInput(path: options.string("input.file.path") ?? "", loop: options.boolean("input.file.loop"),
                                 speed: options.number("input.file.speed"))
        default:
            if InputProbe.jackServerIsRunning() {
                log(.info, "input auto: a JACK server answers; using JACK")
                return try jack()
            }
            if InputProbe.alsaDeviceOpens(device) {
                log(.info, "input auto: no JACK server; ALSA device '\(device)' opens; using it")
                return try alsa()
            }
            guard isatty(STDIN_FILENO) == 1 else {
                log(.warning, "input auto: no JACK server and no ALSA device '\(device)'; waiting for a JACK server (the demo music plays only when started from a terminal)")
                return try jack()
            }
            let demo = FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-demo.wav").path
            if !FileManager.default.fileExists(atPath: demo) {
                do {
                    try AudioFileWriter.write(DemoSong.make().stereo(), sampleRate: Int(DemoSong.sampleRate),
                                              channelCount: 2, to: demo)
                } catch { throw InputError("cannot write the demo music: \(error)") }
            }
            log(.info, "input auto: no JACK server and no ALSA device; playing SampleMind's demo music (\(PrintableText.escaped(demo))) in a loop")
            return try FileInput(path: demo, loop: true, speed: 1)
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
            case .session(let t, let rate, let channels, let wall, _):
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
