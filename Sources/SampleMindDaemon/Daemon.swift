import SampleMindOutputs
import SampleMindLog
import Foundation
import SampleMindCapture
import SampleMindConfiguration
import SampleMindAnalysis
import SampleMindEngine
import SampleMindInference
import SampleMindModels
import SampleMindProtocol
import SampleMindRealtime
import SampleMindService
import SampleMindStreaming
import SampleMindValidation

/// The running daemon: the services made from the configuration, started as one group, and the
/// control loop — signals, systemd readiness, watchdog and status, health logging, reload and
/// `--print` — until SIGINT or SIGTERM stops it.
///
/// Not real-time safe: the control thread.
public final class Daemon {
    /// What the command line hands over besides the options.
    public struct Launch {
        /// Loads the configuration again (SIGHUP): the same file, environment and flags.
        public var reloadOptions: () throws -> LoadedConfiguration
        /// Write events and a frame per second to standard output (`--print`).
        public var print = false
        /// For tests: the analysis thread hangs after this many seconds.
        public var stallAnalysisAfterSeconds: Double?

        public init(reloadOptions: @escaping () throws -> LoadedConfiguration) { self.reloadOptions = reloadOptions }
    }

    private var options: LoadedConfiguration
    private let launch: Launch
    private let log: LogSink
    private let group = ServiceGroup()
    private let engine: LiveEngine
    private let input: InputService
    private let printer: OutputQueue?
    private var stream: StreamService?

    /// Makes every service from `options` (nothing starts yet). Configuration errors throw here.
    public init(options: LoadedConfiguration, launch: Launch) throws(DaemonError) {
        self.options = options
        self.launch = launch
        ShutdownSignal.install()
        FileDescriptorLimit.raise()
        ConsoleLog.configure(level: options.string("log.level") ?? "info", json: options.string("log.format") == "json")
        let log = ConsoleLog.sink
        self.log = log
        let environment = ProcessInfo.processInfo.environment

        let source: AudioInput
        do { source = try InputChoice.make(options, log: log) } catch {
            throw .configuration("cannot start: \(error)")
        }
        var settings = LiveEngine.Settings()
        let priority = options.integer("analysis.realtime_priority")
        settings.realtimePriority = priority > 0 ? Int32(clamping: priority) : nil
        settings.beatsPerBar = options.integer("analysis.beats_per_bar")
        settings.detector = Detector(rawValue: options.string("analysis.detector") ?? "") ?? .dsp
        settings.beatDecoder = BeatDecoder(rawValue: options.string("analysis.beat_decoder") ?? "") ?? .onsetFunction
        if settings.detector == .network {
            do {
                let model = try DetectorWeights.load(options.string("analysis.model"))
                settings.network = model
                let file = model.weights
                log(.info, "network detector: \(PrintableText.escaped(file.path)) (\(file.parameterCount) parameters, "
                    + "sha256 \(file.sha256.prefix(12)), onset threshold \(model.onsetThreshold)); beats from "
                    + (settings.beatDecoder == .onsetFunction ? "the onset function" : "the \(settings.beatDecoder.rawValue) decoder"))
            } catch {
                throw .configuration("cannot start: \(error); or set analysis.detector = \"dsp\" to use the signal-processing detectors")
            }
        }
        if options.string("analysis.key") != KeyEstimator.profile.rawValue {
            do {
                let model = try KeyWeights.load(options.string("analysis.key_model"))
                settings.keyModel = model
                log(.info, "key classifier: \(PrintableText.escaped(model.weights.path)) (sha256 \(model.weights.sha256.prefix(12)))")
            } catch {
                throw .configuration("cannot start: \(error); or set analysis.key = \"profile\" to use the key profile")
            }
        }
        if priority > 0, let refusal = RealtimeThread.lockMemory() {
            log(.warning, "could not lock memory (\(refusal)); page faults may delay analysis. Raise LimitMEMLOCK to avoid it")
        }
        engine = LiveEngine(settings: settings, log: log)
        printer = launch.print ? engine.addConsumer(name: "print") : nil
        input = InputService(input: source, engine: engine, log: log)

        // Dependency order: what consumes the engine's output exists before the engine runs, the
        // input feeds a running engine, and the server answers once everything behind it works.
        let box = ServerBox()
        let mqtt: MQTTService?
        do { mqtt = try MQTTService.make(options, engine: engine, log: log) } catch {
            throw .configuration("\(error)")
        }
        let mqttBacklog = mqtt?.publisher.backlog
        var storage: StorageService?
        if options.boolean("storage.enabled") {
            let made = StorageService(options, environment: environment, engine: engine, inputDescription: source.description,
                                      announce: {
                                          box.server?.broadcast(eventJSON: SegmentJSON.event($0))
                                          mqttBacklog?.offer(SegmentJSON.event($0, detail: true))
                                      }, log: log)
            storage = made
            group.add(made)
        }
        if options.boolean("midi.clock"), !(source is JACKInput) {
            log(.warning, "midi.clock is on but the input is not JACK, so there is no MIDI clock; start a JACK server or use --input jack")
        }
        let performer: PerformerService
        do {
            performer = try PerformerService(options, engine: engine, clockSchedule: (source as? JACKInput)?.clockSchedule, log: log)
        } catch {
            throw .configuration("\(error)")
        }
        group.add(performer)
        var reporters: [any StatusReporting] = []
        if let mqtt {
            group.add(mqtt)
            reporters.append(mqtt)
        }
        do {
            if let audioSync = try AudioSyncService.make(options, engine: engine, log: log) {
                group.add(audioSync)
                reporters.append(audioSync)
            }
            if let link = try LinkService.make(options, engine: engine, log: log) {
                group.add(link)
                reporters.append(link)
            }
        } catch {
            throw .configuration("\(error)")
        }
        group.add(EngineService(engine: engine))
        group.add(input)
        if options.boolean("server.enabled") {
            do {
                let made = try StreamService(options, engine: engine, input: source, settings: settings, storage: storage,
                                             performer: performer, reporters: reporters, log: log)
                box.server = made.server
                stream = made
                group.add(made)
            } catch {
                throw .configuration("server: \(error)")
            }
        }
    }

    /// Starts the services and runs until a signal stops the daemon; then stops them, producers
    /// first. A service that cannot start stops those already started and throws.
    public func run() throws(DaemonError) {
        do { try group.start() } catch {
            // A service says when what it lacks is not the configuration's fault (a port in use).
            let status = (error.underlying as? DaemonError)?.exitStatus ?? ConfigurationError.exitStatus
            throw DaemonError(description: "\(error)", exitStatus: status)
        }
        log(.info, engine.capture.state == .running ? "analysing \(input.input.description)"
            : "started; analysis begins when \(input.input.description) delivers audio")
        // Ready once the server answers and the input runs or is being waited for.
        let notifier = SystemdNotifier()
        notifier.notify("READY=1", "STATUS=\(ServiceStatusLine.text(engine: engine, input: input.input))")
        var watchdog = Watchdog(notifier: notifier)
        var lastStatusAt = 0.0
        let stallAt = launch.stallAnalysisAfterSeconds.map { MonotonicClock.seconds() + $0 }
        var printState = ConsolePrinter()
        var monitor = HealthMonitor(engine: engine, log: log)
        while ShutdownSignal.received == 0 {
            if let printer { printState.drain(printer) } else { usleep(20_000) }
            monitor.check()
            let now = MonotonicClock.seconds()
            watchdog?.check(heartbeat: engine.counters.heartbeat.load(ordering: .relaxed), now: now)
            if now - lastStatusAt >= 2 {
                lastStatusAt = now
                notifier.status(ServiceStatusLine.text(engine: engine, input: input.input))
            }
            if let stallAt, now >= stallAt { engine.stallForTesting() }
            if ShutdownSignal.takeReloadRequest() {
                notifier.notify("RELOADING=1")
                Reload.apply(&options, reloadOptions: launch.reloadOptions, server: stream?.server, log: log)
                notifier.notify("READY=1")
            }
            if let printer, printer.wake.wait(timeout: 0.02) == false { continue }
        }
        log(.info, "stopping (signal \(ShutdownSignal.received))")
        notifier.notify("STOPPING=1")
        // The open segment is closed and everything queued is written before the stream closes.
        group.stop()
        if let printer { printState.drain(printer) }
        monitor.check()
    }
}
