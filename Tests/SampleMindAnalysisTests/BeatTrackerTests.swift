@testable import SampleMindAnalysis
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

final class BeatTrackerTests: XCTestCase {
    func testProcess_whenDrumPattern_beatsLandOnTheBeatAfterLockIn() throws {
        for bpm in [96.0, 124] {
            let drums = Percussion.drumPattern(bpm: bpm, seconds: 20, sampleRate: 44_100)
            let run = try AnalysisRun.analyse(drums)
            let detected = run.beatTimes.filter { $0 >= 5 }
            let truth = drums.beats.filter { $0 >= 5 }
            XCTAssertGreaterThan(fMeasure(detected, truth, tolerance: 0.07), 0.95, "beat F-measure at \(bpm) BPM")
        }
    }

    func testProcess_whenClickTrack_beatIntervalsMatchTheTempo() throws {
        let run = try AnalysisRun.analyse(Percussion.clicks(bpm: 140, seconds: 15, sampleRate: 48_000))
        let late = run.beatTimes.filter { $0 > 6 }
        XCTAssertGreaterThan(late.count, 15)
        for (a, b) in zip(late, late.dropFirst()) {
            XCTAssertEqual(b - a, 60 / 140, accuracy: 0.025)
        }
    }

    func testProcess_whenKickOnOneAndThree_barPositionsFollowTheBar() throws {
        let drums = Percussion.drumPattern(bpm: 120, seconds: 24, sampleRate: 44_100)
        let run = try AnalysisRun.analyse(drums)
        let late = run.beats.filter { $0.time > 12 }
        XCTAssertGreaterThan(late.count, 16)
        // Kicks fall on 1 and 3, so the downbeat is either; positions must cycle 1…4 in order.
        for (a, b) in zip(late, late.dropFirst()) {
            XCTAssertEqual(b.barPosition, a.barPosition % 4 + 1)
        }
        let downbeats = late.filter { $0.barPosition == 1 }.map(\.time)
        let kicks = drums.beats.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        XCTAssertEqual(matchCount(downbeats, kicks, tolerance: 0.07), downbeats.count, "downbeats are on kicks")
    }

    // MARK: The tracker alone, fed an onset detection function and a period with exact truth

    /// The frames on which `tracker` reported a beat over `odf` at `periodFrames`, with their bar
    /// positions; `lowFrequencyFlux` gives each frame's bass flux.
    private func beats(_ tracker: BeatTracker, odf: [Float], periodFrames: Double,
                       lowFrequencyFlux: (Int) -> Float = { _ in 0 }) -> [(frame: Int, barPosition: Int)] {
        var found: [(frame: Int, barPosition: Int)] = []
        for (frame, value) in odf.enumerated() {
            let flux = lowFrequencyFlux(frame)
            if let beat = tracker.process(odf: value, lowFrequencyFlux: flux, periodFrames: Float(periodFrames)) {
                found.append((frame, beat.barPosition))
            }
        }
        return found
    }

    func testProcess_whenTempoIsUnknown_reportsNoBeatsHoweverStrongTheOnsets() {
        let tracker = BeatTracker(frameRate: 100, beatsPerBar: 4)
        let train = ImpulseTrain(bpm: 120, frameRate: 100, seconds: 10)
        XCTAssertTrue(beats(tracker, odf: train.values, periodFrames: 0).isEmpty)
        XCTAssertNil(tracker.nextBeat(periodFrames: 0))
    }

    func testProcess_whenImpulsesAtTheGivenPeriod_beatsLandOnThemOnePeriodApart() {
        for (bpm, frameRate) in [(120.0, 100.0), (140, 93.75), (75, 100)] {
            let train = ImpulseTrain(bpm: bpm, frameRate: frameRate, seconds: 20)
            let tracker = BeatTracker(frameRate: frameRate, beatsPerBar: 4)
            let late = beats(tracker, odf: train.values, periodFrames: train.periodFrames).map(\.frame)
                .filter { Double($0) > 4 * frameRate }
            XCTAssertEqual(Double(late.count), 16 * bpm / 60, accuracy: 1, "one beat per impulse at \(bpm) BPM")
            // Today the beats come one frame before the impulse, two where the period is not whole.
            for frame in late {
                XCTAssertTrue((frame - 2...frame + 2).contains(where: train.isImpulse), "beat at frame \(frame), \(bpm) BPM")
            }
            for (a, b) in zip(late, late.dropFirst()) {
                XCTAssertEqual(Double(b - a), train.periodFrames, accuracy: 1, "\(bpm) BPM")
            }
        }
    }

    func testProcess_whenTheFunctionIsZeroButTheTempoKnown_keepsBeatingOnePeriodApart() {
        // A tempo held from the stage through a break: the beat runs on by itself.
        let silence = [Float](repeating: 0, count: 1_000)
        let found = beats(BeatTracker(frameRate: 100, beatsPerBar: 4), odf: silence, periodFrames: 50).map(\.frame)
        XCTAssertGreaterThan(found.count, 15)
        for (a, b) in zip(found, found.dropFirst()) { XCTAssertEqual(b - a, 50) }
    }

    func testProcess_whenBassOnEveryFourthImpulse_thoseBeatsAreTheDownbeats() {
        let train = ImpulseTrain(bpm: 120, frameRate: 100, seconds: 20)
        // The bass on the second impulse of every four, so the downbeat is not simply the first beat.
        let bassFrames = Set(train.impulseFrames.enumerated().filter { $0.offset % 4 == 1 }.map(\.element))
        let tracker = BeatTracker(frameRate: 100, beatsPerBar: 4)
        let found = beats(tracker, odf: train.values, periodFrames: 50) { bassFrames.contains($0) ? 1 : 0 }
        let late = found.filter { $0.frame > 800 }
        XCTAssertGreaterThan(late.count, 20)
        for (a, b) in zip(late, late.dropFirst()) { XCTAssertEqual(b.barPosition, a.barPosition % 4 + 1) }
        for beat in late {
            let onBass = (beat.frame - 2...beat.frame + 2).contains(where: bassFrames.contains)
            XCTAssertEqual(beat.barPosition == 1, onBass, "beat at frame \(beat.frame)")
        }
    }

    func testNextBeat_onceScheduled_givesTheFrameIndexAndBarPositionOfTheComingBeat() {
        let train = ImpulseTrain(bpm: 120, frameRate: 100, seconds: 20)
        let tracker = BeatTracker(frameRate: 100, beatsPerBar: 3)
        var forecasts: [(frame: Int, index: Int, barPosition: Int)?] = []
        var reported: [(frame: Int, index: Int, barPosition: Int)] = []
        for (frame, value) in train.values.enumerated() {
            if let beat = tracker.process(odf: value, lowFrequencyFlux: 0, periodFrames: 50) {
                reported.append((frame, beat.index, beat.barPosition))
            }
            forecasts.append(tracker.nextBeat(periodFrames: 50).map { (frame + $0.framesAhead, $0.index, $0.barPosition) })
        }
        XCTAssertGreaterThan(reported.count, 30)
        XCTAssertEqual(reported.map(\.index), Array(0..<reported.count), "indices count up from 0")
        // Scheduled half a period after each beat, so the last 20 frames before a beat know it exactly.
        for beat in reported.dropFirst() {
            for forecast in forecasts[(beat.frame - 20)..<beat.frame] {
                XCTAssertEqual(forecast?.frame, beat.frame)
                XCTAssertEqual(forecast?.index, beat.index)
                XCTAssertEqual(forecast?.barPosition, beat.barPosition)
            }
        }
    }

    func testSetMeter_whenOutOfRange_clampsToTheMetersAllowed() {
        let tracker = BeatTracker(frameRate: 100, beatsPerBar: 4)
        tracker.setMeter(0)
        XCTAssertEqual(tracker.beatsPerBar, 1)
        tracker.setMeter(99)
        XCTAssertEqual(tracker.beatsPerBar, StageControl.meterRange.upperBound)
    }
}
