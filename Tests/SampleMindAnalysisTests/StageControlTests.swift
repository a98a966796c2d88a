import SampleMindAnalysis
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// Controls from the stage, applied between hops as the live engine does.
final class StageControlTests: XCTestCase {
    static let rate = 48_000.0

    /// Runs an analyzer over `signal`, applying `controls[t]` before the first hop at or after t.
    static func run(_ signal: Signal, beatsPerBar: Int = 4, controls: [(Double, StageControl)] = [],
                    count allocations: inout Int) throws -> (frames: [FeatureFrame], beats: [(time: Double, position: Int, bpm: Float)], applied: [Bool]) {
        let analyzer = try Analyzer(configuration: AnalyzerConfiguration(sampleRate: rate, channelCount: 1, beatsPerBar: beatsPerBar))
        let block = analyzer.samplesPerBlock
        var frames: [FeatureFrame] = []
        var beats: [(Double, Int, Float)] = []
        var applied: [Bool] = []
        frames.reserveCapacity(signal.samples.count / block + 1)
        beats.reserveCapacity(1_000)
        applied.reserveCapacity(controls.count)
        var pending = controls[...]
        signal.samples.withUnsafeBufferPointer { samples in
            allocations = countAllocations {
                for start in stride(from: 0, to: samples.count - block, by: block) {
                    while let (time, control) = pending.first, time <= Double(start) / rate {
                        applied.append(analyzer.apply(control))
                        pending = pending.dropFirst()
                    }
                    analyzer.process(UnsafeBufferPointer(rebasing: samples[start..<(start + block)]))
                    frames.append(analyzer.frame)
                    for event in analyzer.events {
                        if case .beat(let t, _, let position, let bpm) = event { beats.append((t, position, bpm)) }
                    }
                }
            }
        }
        return (frames, beats, applied)
    }

    func testTapTempoSetsAndLocksTheTempoAndPutsTheBeatOnTheTaps() throws {
        // Silence: nothing to track but the taps, 0.6 s apart (100 BPM).
        let silence = Signal(sampleRate: Self.rate, samples: [Float](repeating: 0, count: Int(8 * Self.rate)))
        let taps = (0..<4).map { (1.0 + 0.6 * Double($0), StageControl.tap) }
        var allocations = 0
        let run = try Self.run(silence, controls: taps, count: &allocations)
        let last = try XCTUnwrap(run.frames.last)
        XCTAssertEqual(last.tempoBPM, 100, accuracy: 0.5)
        XCTAssertTrue(last.tempoLocked)
        let beatsAfter = run.beats.filter { $0.time > 3 }
        XCTAssertGreaterThanOrEqual(beatsAfter.count, 6, "beats continue from the taps")
        for beat in beatsAfter {
            let sinceLastTap = (beat.time - 2.8).truncatingRemainder(dividingBy: 0.6)
            XCTAssertLessThan(min(sinceLastTap, 0.6 - sinceLastTap), 0.035, "beat at \(beat.time) follows the taps' phase")
        }
    }

    func testHoldTempo_holdsTheGivenTempoAndRefusesTemposOutOfRange() throws {
        let music = Percussion.drumPattern(bpm: 120, seconds: 12, sampleRate: Self.rate)
        var allocations = 0
        let run = try Self.run(music, controls: [(2, .holdTempo(100)), (4, .holdTempo(.nan)), (5, .holdTempo(1_000)), (10, .unlock)],
                               count: &allocations)
        XCTAssertEqual(run.applied, [true, false, false, true], "NaN and 1000 BPM are refused")
        let held = run.frames.filter { (3...9.9).contains($0.timeSeconds) }
        XCTAssertFalse(held.isEmpty)
        XCTAssertTrue(held.allSatisfy { $0.tempoBPM == 100 && $0.tempoLocked }, "the music plays at 120, the held tempo is 100")
        XCTAssertFalse(try XCTUnwrap(run.frames.last).tempoLocked, "unlock releases it")
    }

    func testLockHoldsTheTempoThroughAChangeAndUnlockLetsItFollow() throws {
        let music = Percussion.drumPattern(bpm: 120, seconds: 16, sampleRate: Self.rate)
            .followed(by: Percussion.drumPattern(bpm: 140, seconds: 16, sampleRate: Self.rate))
        var allocations = 0
        let run = try Self.run(music, controls: [(10, .lock), (24, .unlock)], count: &allocations)
        let held = run.frames.filter { (14..<24).contains($0.timeSeconds) }
        XCTAssertTrue(held.allSatisfy { abs($0.tempoBPM - 120) < 2.4 && $0.tempoLocked }, "locked at 120 while the music moved to 140")
        XCTAssertEqual(run.frames.last?.tempoBPM ?? 0, 140, accuracy: 2.8, "unlocked, the tempo follows the music")
        XCTAssertEqual(run.applied, [true, true])
    }

    func testLockWithoutATempoIsRefusedAndAnOutOfRangeMeterToo() throws {
        let silence = Signal(sampleRate: Self.rate, samples: [Float](repeating: 0, count: Int(2 * Self.rate)))
        var allocations = 0
        let run = try Self.run(silence, controls: [(0.5, .lock), (0.6, .meter(0)), (0.7, .meter(17))], count: &allocations)
        XCTAssertEqual(run.applied, [false, false, false])
        XCTAssertFalse(run.frames.last?.tempoLocked ?? true)
    }

    func testMeterAndDownbeatSetTheBarPositions() throws {
        let music = Percussion.drumPattern(bpm: 120, seconds: 20, sampleRate: Self.rate)
        var allocations = 0
        let run = try Self.run(music, controls: [(8, .meter(3)), (12.01, .downbeat)], count: &allocations)
        let late = run.beats.filter { $0.time > 12.5 }
        XCTAssertGreaterThan(late.count, 10)
        // After the meter change the positions count 1, 2, 3, and the beat nearest the downbeat
        // control (12.0 s plus the pattern's 0.25 s start) is one.
        for (a, b) in zip(late, late.dropFirst()) { XCTAssertEqual(b.position, a.position % 3 + 1) }
        let nearest = try XCTUnwrap(run.beats.min { abs($0.time - 12.0) < abs($1.time - 12.0) })
        let following = run.beats.filter { $0.time > nearest.time }
        XCTAssertEqual(following.first?.position, 2, "the beat the performer marked started the bar")
        XCTAssertEqual(run.frames.last?.beatsPerBar, 3)
    }

    func testResetForgetsTheTempoAndFindsItAgain() throws {
        let music = Percussion.drumPattern(bpm: 120, seconds: 24, sampleRate: Self.rate)
        var allocations = 0
        let run = try Self.run(music, controls: [(8, .lock), (12, .reset)], count: &allocations)
        let justAfter = try XCTUnwrap(run.frames.first { $0.timeSeconds >= 12.1 })
        XCTAssertEqual(justAfter.tempoBPM, 0, "reset forgets the tempo")
        XCTAssertFalse(justAfter.tempoLocked)
        XCTAssertEqual(run.frames.last?.tempoBPM ?? 0, 120, accuracy: 2.4, "and finds it again")
    }

    func testEveryFramePredictsTheNextBeat() throws {
        let music = Percussion.drumPattern(bpm: 120, seconds: 16, sampleRate: Self.rate)
        var allocations = 0
        let run = try Self.run(music, count: &allocations)
        // Each beat's time was predicted by the frames before it: within 30 ms, at least 100 ms ahead.
        for beat in run.beats.filter({ $0.time > 8 }) {
            let ahead = run.frames.filter { $0.timeSeconds < beat.time - 0.1 && $0.timeSeconds > beat.time - 0.2 }
            XCTAssertFalse(ahead.isEmpty)
            for frame in ahead {
                XCTAssertEqual(frame.nextBeatSeconds, beat.time, accuracy: 0.03, "predicted at \(frame.timeSeconds)")
            }
        }
    }
}
