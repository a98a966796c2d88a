import SampleMindAnalysis
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

    func testProcess_whenSilenceOrNoise_reportsNoTempoAndNoBeats() throws {
        for signal in [Noise.silence(seconds: 20, sampleRate: 44_100), Noise.white(seconds: 20, sampleRate: 44_100)] {
            let run = try AnalysisRun.analyse(signal)
            XCTAssertTrue(run.beats.isEmpty, "no beats")
            XCTAssertEqual(run.frames.map(\.tempoBPM).max(), 0, "tempo stays unknown")
        }
    }
}
