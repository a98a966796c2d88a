import SampleMindOutputs
import SampleMindLog
import Foundation
import Glibc
import SampleMindAnalysis
import SampleMindCapture
import SampleMindEngine
import SampleMindPerformance
import SampleMindRealtime
import SampleMindOffline
import SampleMindTestSupport
import XCTest

/// The engine in this process, so its threads can be watched.
final class LiveEngineTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-engine") }
    override func tearDown() { scratch.remove() }

    private static let quiet: LogSink = { _, _ in }

    /// Everything a consumer received, collected on the test thread.
    private func collect(_ queue: OutputQueue, into outputs: inout [EngineOutput]) {
        while let output = queue.pop() { outputs.append(output) }
    }

    func testFileInputAtFullSpeed_givesExactlyWhatAnalyzeGives() throws {
        let song = try TestSong(seconds: 12, in: scratch)
        let engine = LiveEngine(log: Self.quiet)
        let queue = engine.addConsumer(name: "test", capacity: 4_096)
        try engine.start()
        let input = try FileInput(path: song.path, speed: 0)
        try input.start(into: engine.capture, log: Self.quiet)
        var outputs: [EngineOutput] = []
        let deadline = Date().addingTimeInterval(30)
        while engine.capture.state != .finished, Date() < deadline {
            collect(queue, into: &outputs)
            usleep(2_000)
        }
        input.stop()
        engine.stop()
        collect(queue, into: &outputs)

        var onsets: [Double] = [], beats: [Double] = [], frames = 0
        for output in outputs {
            switch output {
            case .event(.onset(let t, _), _): onsets.append((t * 10_000).rounded() / 10_000)
            case .event(.beat(let t, _, _, _), _): beats.append((t * 10_000).rounded() / 10_000)
            case .frame: frames += 1
            default: break
            }
        }
        XCTAssertEqual(queue.droppedFrames.load(ordering: .relaxed), 0)
        XCTAssertEqual(frames, Int(12 * 48_000) / 480, "one frame per hop, none lost")
        // Same samples, same hop alignment: the live engine and analyze agree to the sample.
        XCTAssertEqual(onsets, song.expected.onsets.filter { $0 <= onsets.last ?? 0 })
        XCTAssertEqual(beats, song.expected.beats.filter { $0 <= beats.last ?? 0 })
        XCTAssertGreaterThan(beats.count, 15)
    }

    func testJACKCapture_overTenSecondsOfSteadyState_allocatesNothingOnCaptureOrAnalysisThreads() throws {
        try XCTSkipUnless(JACKServer.isInstalled, "jackd is not installed (scripts/install-dependencies installs it)")
        let song = try TestSong(seconds: 17, in: scratch)
        let jack = try JACKServer(in: scratch)
        defer { jack.stop() }
        setenv("JACK_DEFAULT_SERVER", jack.name, 1)
        defer { unsetenv("JACK_DEFAULT_SERVER") }

        // With the MIDI clock and stage controls in use, so their real-time paths are counted too.
        let engine = LiveEngine(log: Self.quiet)
        let queue = engine.addConsumer(name: "test", capacity: 8_192)
        let controls = engine.addControlSource(name: "test")
        let schedule = ClockSchedule()
        let driver = MIDIClockDriver(schedule: schedule, queue: engine.addConsumer(name: "midi-clock"), leadMilliseconds: 10)
        // WLED Audio Sync as the daemon wires it (its own queue and sender thread), sending to a
        // UDP socket of this test on loopback that is never read; and what Ableton Link adds on the analysis side: one
        // more consumer queue (drained by the Link thread; the peer itself multicasts, so it runs
        // only in network namespaces) and follow mode's holdTempo controls through a source of its own.
        var wled = AudioSyncSender.Settings()
        let (sink, sinkPort) = try Self.loopbackUDPSocket()
        defer { close(sink) }
        wled.targets = [try AudioSyncTarget.parse("127.0.0.1:\(sinkPort)").get()]
        let audioSync = try AudioSyncSender(settings: wled, queue: engine.addConsumer(name: "wled", capacity: 1_024), log: Self.quiet)
        let linkQueue = engine.addConsumer(name: "link", capacity: 1_024)
        let linkControls = engine.addControlSource(name: "link")
        let linkDrain = Thread { while !Thread.current.isCancelled { while linkQueue.pop() != nil {}; usleep(5_000) } }
        try engine.start()
        driver.start()
        audioSync.start()
        linkDrain.start()
        let input = try JACKInput(clientName: "samplemind", channelCount: 1, clockSchedule: schedule)
        try input.start(into: engine.capture, log: Self.quiet)
        defer {
            input.stop()
            engine.stop()
            driver.stop()
            audioSync.stop()
            linkDrain.cancel()
        }
        let player = try jack.play(song.path, into: "samplemind:in_1")
        defer { player.stop(signal: SIGKILL) }

        // Warm up for four seconds of music, so every tracker has locked and emits events.
        var outputs: [EngineOutput] = []
        let warmUp = Date().addingTimeInterval(5)
        while Date() < warmUp { collect(queue, into: &outputs); usleep(20_000) }
        let captureThread = input.processThread.load(ordering: .acquiring)
        let analysisThread = engine.analysisThread.load(ordering: .acquiring)
        XCTAssertNotEqual(captureThread, 0, "JACK's process thread is known")
        XCTAssertNotEqual(analysisThread, 0)
        let blocksBefore = engine.counters.blocks.load(ordering: .relaxed)
        var eventsWhileMeasured = 0
        let midiBefore = input.midiMessagesSent.load(ordering: .relaxed)
        let allocations = countAllocations(onThreads: captureThread, analysisThread) {
            // The test thread only sends controls and sleeps (its own allocations are not counted).
            for control in [StageControl.meter(3), .downbeat, .lock, .tap, .unlock, .meter(4), .downbeat, .lock, .unlock, .downbeat] {
                _ = controls.submit(control)
                Thread.sleep(forTimeInterval: 0.51)
                _ = linkControls.submit(control == .unlock ? .unlock : .holdTempo(126))
                Thread.sleep(forTimeInterval: 0.51)
            }
        }
        collect(queue, into: &outputs)
        for output in outputs { if case .event = output { eventsWhileMeasured += 1 } }
        let blocks = engine.counters.blocks.load(ordering: .relaxed) - blocksBefore
        XCTAssertGreaterThanOrEqual(blocks, 1_000, "at least 10 s of audio were analysed while counting")
        XCTAssertEqual(allocations, 0, "heap allocations on the JACK process thread and the analysis thread")
        XCTAssertEqual(engine.capture.overruns.load(ordering: .relaxed), 0)
        XCTAssertGreaterThan(eventsWhileMeasured, 30)
        XCTAssertGreaterThan(input.midiMessagesSent.load(ordering: .relaxed) - midiBefore, 24 * 15, "the MIDI clock ran while counting")
        XCTAssertGreaterThan(audioSync.destinations.first?.sent.load(ordering: .relaxed) ?? 0, 300, "Audio Sync sent while counting")
        XCTAssertGreaterThan(audioSync.peaksSent.load(ordering: .relaxed), 5, "with peaks from the beats")
    }
}

struct LoopbackSocketError: Error { var errno: Int32 }

extension LiveEngineTests {
    /// A UDP socket bound to a free port of 127.0.0.1, and the port.
    static func loopbackUDPSocket() throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard descriptor >= 0, bound else {
            close(descriptor)
            throw LoopbackSocketError(errno: errno)
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}

final class AllocationCounterTests: XCTestCase {
    func testCountAllocations_countsAnotherThreadsAllocations() {
        let ready = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var thread: pthread_t = 0
        nonisolated(unsafe) var go = false
        Thread.detachNewThread {
            thread = pthread_self()
            ready.signal()
            while !go { usleep(1_000) }
            for size in 1...50 { _ = [UInt8](repeating: 1, count: 1_000 + size) }
            done.signal()
        }
        ready.wait()
        let counted = countAllocations(onThreads: thread, 0) {
            go = true
            done.wait()
        }
        XCTAssertGreaterThanOrEqual(counted, 50, "allocations on a watched thread are counted")
    }
}
