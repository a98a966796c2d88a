@testable import SampleMindAnalysis
import SampleMindSynthesis
import XCTest

final class TempoTrackerTests: XCTestCase {
    /// The tempo reported over the last `seconds` of the run: every frame within 2 % of `bpm`.
    private func assertTempo(_ run: AnalysisRun, _ bpm: Double, lastSeconds: Double, file: StaticString = #filePath,
                             line: UInt = #line) {
        let end = run.lastFrame.timeSeconds
        let tail = run.frames(after: end - lastSeconds - 0.1).filter { $0.timeSeconds < end - 0.1 }
        let worst = tail.map { abs(Double($0.tempoBPM) - bpm) / bpm }.max() ?? 1
        XCTAssertLessThan(worst, 0.02, "tempo strays \(Int(worst * 100)) % from \(bpm) BPM", file: file, line: line)
    }

    func testProcess_whenClickTracksAtSeveralTempi_reportsEachTempoWithin2Percent() throws {
        for bpm in [75.0, 90, 120, 140, 160] {
            let run = try AnalysisRun.analyse(Percussion.clicks(bpm: bpm, seconds: 14, sampleRate: 44_100))
            assertTempo(run, bpm, lastSeconds: 6)
        }
    }

    func testProcess_whenDrumPatternsAtSeveralTempi_reportsTheBeatNotHalfOrDouble() throws {
        for bpm in [85.0, 100, 128, 140] {
            let run = try AnalysisRun.analyse(Percussion.drumPattern(bpm: bpm, seconds: 14, sampleRate: 44_100))
            assertTempo(run, bpm, lastSeconds: 6)
        }
    }

    func testProcess_whenTempoChanges_relocksWithinFiveSeconds() throws {
        let rate = 44_100.0
        let signal = Percussion.drumPattern(bpm: 100, seconds: 15, sampleRate: rate)
            .followed(by: Percussion.drumPattern(bpm: 130, seconds: 15, sampleRate: rate, startSeconds: 0))
        let run = try AnalysisRun.analyse(signal)
        let beforeChange = run.frames(after: 10).filter { $0.timeSeconds < 15 }
        XCTAssertLessThan(beforeChange.map { abs($0.tempoBPM - 100) }.max()!, 2)
        let afterRelock = run.frames(after: 20).filter { $0.timeSeconds < 30 }
        XCTAssertLessThan(afterRelock.map { abs($0.tempoBPM - 130) }.max()!, 2.6, "re-locked to 130 BPM by 5 s after the change")
        XCTAssertTrue(run.tempoEvents.contains { $0.time > 15 && $0.time < 20 && abs($0.bpm - 130) < 2.6 })
    }

    /// The performer outputs stop the MIDI clock whenever a frame has no tempo or no next beat, so
    /// a tempo step in music that keeps playing must never lose the beat, wherever the step falls
    /// against the hops (a live input starts at any sample) and with the short dropouts a live
    /// player has under load (silence inserted at `gapAt` seconds).
    func testProcess_whenTheTempoStepsWhileTheMusicPlays_neverReportsTheTempoOrNextBeatUnknown() throws {
        let rate = 48_000.0
        let song = Percussion.drumPattern(bpm: 120, seconds: 20, sampleRate: rate)
            .followed(by: Percussion.drumPattern(bpm: 132, seconds: 20, sampleRate: rate)).samples
        let cases: [(lead: Int, gapAt: Double, gap: Double)] = [
            (0, 0, 0), (262, 0, 0), (655, 0, 0), (0, 20.1, 0.2), (0, 21, 0.05), (393, 21, 0.5), (0, 22, 0.05), (786, 22, 1),
        ]
        for (lead, gapAt, gap) in cases {
            var samples = [Float](repeating: 0, count: lead) + song
            samples.insert(contentsOf: [Float](repeating: 0, count: Int(gap * rate)), at: lead + Int(gapAt * rate))
            let run = try AnalysisRun.analyse(samples, sampleRate: rate)
            let label = "\(lead) samples in, \(gap) s of silence at \(gapAt) s"
            let lost = run.frames(after: 8).filter { $0.timeSeconds < 39.5 && ($0.tempoBPM <= 0 || $0.nextBeatSeconds < 0) }
            XCTAssertTrue(lost.isEmpty, "\(label): the beat was lost at \(lost.first?.timeSeconds ?? 0) s for \(lost.count) frames")
            let settled = run.frames(after: 31).filter { $0.timeSeconds < 39.5 }
            XCTAssertLessThan(settled.map { abs($0.tempoBPM - 132) }.max()!, 2.6, "\(label): follows the step")
        }
    }

    /// The re-lock: the reported tempo within 4 % of the new tempo and the beats back on
    /// the new grid (within 50 ms) within 4 s of a step, up and down, for steps of 8 to 14 %.
    func testProcess_whenTheTempoSteps_relocksTempoAndBeatGridWithinFourSeconds() throws {
        let rate = 44_100.0
        for (from, to) in [(120.0, 132.0), (100, 110), (128, 116), (90, 100), (140, 126), (110, 125)] {
            let song = Percussion.drumPattern(bpm: from, seconds: 20, sampleRate: rate)
                .followed(by: Percussion.drumPattern(bpm: to, seconds: 20, sampleRate: rate, startSeconds: 0))
            let run = try AnalysisRun.analyse(song)
            let label = "\(Int(from)) to \(Int(to)) BPM"
            let tempoOff = run.frames(after: 24).filter { $0.timeSeconds < 39.5 && abs(Double($0.tempoBPM) / to - 1) >= 0.04 }
            XCTAssertTrue(tempoOff.isEmpty, "\(label): tempo \(tempoOff.first?.tempoBPM ?? 0) at \(tempoOff.first?.timeSeconds ?? 0) s")
            let grid = (0..<100).map { 20 + Double($0) * 60 / to }
            let offGrid = run.beatTimes.filter { $0 >= 24 && $0 < 39.5 }.filter { beat in grid.map { abs($0 - beat) }.min()! > 0.05 }
            XCTAssertTrue(offGrid.isEmpty, "\(label): beats off the new grid at \(offGrid)")
        }
    }

    /// The change detector never moves by an octave: when every other beat falls silent (a
    /// half-time break, on the same grid) the tempo holds while the six-second history still
    /// knows it, instead of following the three-second one down to half.
    func testProcess_whenEveryOtherBeatFallsSilent_holdsTheTempoWhileTheHistoryKnowsIt() {
        let tracker = TempoTracker(frameRate: 100)
        _ = feed(tracker, ImpulseTrain(bpm: 120, frameRate: 100, seconds: 12).values)
        XCTAssertEqual(tracker.bpm, 120, accuracy: 2.4)
        // The 120 BPM train's next impulse is at frame 1210, the half-time train's first at its 10th.
        let halfTime = feed(tracker, ImpulseTrain(bpm: 60, frameRate: 100, seconds: 3.5).values)
        XCTAssertLessThan(halfTime.map { abs($0 - 120) }.max()!, 2.4, "still 120 BPM: \(halfTime)")
    }

    func testProcess_whenSilenceOrNoise_reportsNoTempoAndNoBeats() throws {
        for signal in [Noise.silence(seconds: 20, sampleRate: 44_100), Noise.white(seconds: 20, sampleRate: 44_100)] {
            let run = try AnalysisRun.analyse(signal)
            XCTAssertTrue(run.beats.isEmpty, "no beats")
            XCTAssertEqual(run.frames.map(\.tempoBPM).max(), 0, "tempo stays unknown")
        }
    }

    // MARK: The tracker alone, fed an onset detection function with exact truth

    /// Feeds `values` (with an onset detected on every impulse); returns the tempo after each update.
    private func feed(_ tracker: TempoTracker, _ values: [Float]) -> [Float] {
        var updates: [Float] = []
        for value in values where tracker.process(value, onsetDetected: value > 0) { updates.append(tracker.bpm) }
        return updates
    }

    func testProcess_whenImpulsesAtASteadyPeriod_reportsThatTempoWithin2Percent() {
        // A bare impulse train is as periodic at half and double its tempo; the tracker's prior
        // around 120 BPM settles it only between about 65 and 155 BPM (180 gives 90, 60 gives 120).
        for frameRate in [100.0, 93.75] {
            for bpm in [70.0, 95, 120, 150] {
                let tracker = TempoTracker(frameRate: frameRate)
                let updates = feed(tracker, ImpulseTrain(bpm: bpm, frameRate: frameRate, seconds: 12).values)
                // The last four seconds: sixteen updates a quarter second apart.
                let worst = updates.suffix(16).map { abs(Double($0) - bpm) / bpm }.max()!
                XCTAssertLessThan(worst, 0.02, "\(bpm) BPM at \(frameRate) frames per second")
                XCTAssertGreaterThanOrEqual(tracker.confidence, TempoTracker.minimumConfidence)
            }
        }
    }

    func testProcess_whenTheFunctionIsZero_reportsNoTempoAndUpdatesEveryQuarterSecond() {
        let tracker = TempoTracker(frameRate: 100)
        let updates = feed(tracker, [Float](repeating: 0, count: 2_000))
        XCTAssertEqual(updates.count, 80, "20 seconds, 4 updates a second")
        XCTAssertEqual(updates.max(), 0)
        XCTAssertEqual(tracker.confidence, 0)
    }

    func testProcess_whenImpulsesButNoOnsetDetected_staysUnknown() {
        let tracker = TempoTracker(frameRate: 100)
        for value in ImpulseTrain(bpm: 120, frameRate: 100, seconds: 12).values {
            _ = tracker.process(value, onsetDetected: false)
            XCTAssertEqual(tracker.bpm, 0)
        }
    }

    func testProcess_whenImpulsesStop_forgetsTheTempoOnceTheSixSecondHistoryHoldsNone() {
        let tracker = TempoTracker(frameRate: 100)
        _ = feed(tracker, ImpulseTrain(bpm: 120, frameRate: 100, seconds: 12).values)
        XCTAssertEqual(tracker.bpm, 120, accuracy: 2.4)
        let afterStop = feed(tracker, [Float](repeating: 0, count: 700))
        XCTAssertGreaterThan(afterStop.first!, 0, "still known while impulses remain in the history")
        XCTAssertEqual(afterStop.last, 0, "unknown 7 seconds after the last impulse")
    }

    func testReset_forgetsTheTempoAtOnce() {
        let tracker = TempoTracker(frameRate: 100)
        _ = feed(tracker, ImpulseTrain(bpm: 120, frameRate: 100, seconds: 12).values)
        XCTAssertGreaterThan(tracker.bpm, 0)
        tracker.reset()
        XCTAssertEqual(tracker.bpm, 0)
        XCTAssertEqual(tracker.confidence, 0)
        XCTAssertEqual(feed(tracker, [Float](repeating: 0, count: 200)).max(), 0, "nothing left of the old history")
    }
}
