import SampleMindAnalysis
import SampleMindEngine
import SampleMindStorage
import SampleMindSynthesis
import XCTest

final class SegmenterTests: XCTestCase {
    /// Runs the analyzer over `signal` and the segmenter over what it emits, as the storage thread would.
    private func segments(_ signal: Signal) throws -> [Segment] {
        let analyzer = try Analyzer(configuration: AnalyzerConfiguration(sampleRate: signal.sampleRate, channelCount: 1))
        var segmenter = Segmenter()
        var closed: [Segment] = []
        let block = analyzer.samplesPerBlock
        signal.samples.withUnsafeBufferPointer { samples in
            for start in stride(from: 0, to: samples.count - block, by: block) {
                analyzer.process(UnsafeBufferPointer(rebasing: samples[start..<(start + block)]))
                for event in analyzer.events {
                    closed += segmenter.add(.event(event, wallClockSeconds: 1_000 + event.timeSeconds))
                }
                closed += segmenter.add(.frame(analyzer.frame, wallClockSeconds: 1_000 + analyzer.frame.timeSeconds))
            }
        }
        closed += segmenter.finish()
        return closed
    }

    func testSegments_haveABoundaryWithinTwoSecondsOfEachKeyChangeTempoChangeAndSilence() throws {
        let rate = 22_050.0
        func music(bpm: Double, tonic: Int, seconds: Double) -> Signal {
            Percussion.drumPattern(bpm: bpm, seconds: seconds, sampleRate: rate, startSeconds: 0)
                .mixed(with: Harmony.progression(tonic: tonic, minor: false, seconds: seconds, sampleRate: rate))
        }
        let signal = music(bpm: 100, tonic: 0, seconds: 16)          // C major, 100 BPM
            .followed(by: music(bpm: 100, tonic: 4, seconds: 16))    // key change at 16 s
            .followed(by: music(bpm: 132, tonic: 4, seconds: 16))    // tempo change at 32 s
            .followed(by: Noise.silence(seconds: 5, sampleRate: rate)) // silence 48–53 s
            .followed(by: music(bpm: 132, tonic: 4, seconds: 8))
        let found = try segments(signal)
        let boundaries = found.map(\.endSeconds)
        for (time, what) in [(16.0, "key change"), (32.0, "tempo change"), (48.0, "silence start"), (53.0, "silence end")] {
            let nearest = boundaries.map { abs($0 - time) }.min() ?? .infinity
            XCTAssertLessThanOrEqual(nearest, 2, "a boundary near the \(what) at \(time) s; boundaries: \(found.map { "\(($0.endSeconds * 10).rounded() / 10) \($0.closeReason)" })")
        }
        XCTAssertTrue(found.allSatisfy { $0.durationSeconds <= 10.01 }, "no segment longer than 10 s")
        XCTAssertTrue(found.contains { $0.closeReason == .keyChange })
        XCTAssertTrue(found.contains { $0.closeReason == .silenceStart })
        let lastMusic = try XCTUnwrap(found.last)
        XCTAssertEqual(lastMusic.tempoBPM ?? 0, 132, accuracy: 3)
        XCTAssertEqual(lastMusic.key, "E major")
        XCTAssertGreaterThan(lastMusic.onsetRate, 2)
        XCTAssertNotNil(lastMusic.loudnessLUFS)
        XCTAssertEqual(lastMusic.chroma.count, 12)
        XCTAssertEqual(lastMusic.mfcc.count, 13)
    }

    func testSegments_ofSilenceAlone_areCutAtTheMaximumLengthAndCarryNoMusic() throws {
        let found = try segments(Noise.silence(seconds: 25, sampleRate: 22_050))
        XCTAssertGreaterThanOrEqual(found.count, 2)
        XCTAssertTrue(found.allSatisfy { $0.tempoBPM == nil && $0.key == nil && $0.loudnessLUFS == nil && $0.beatCount == 0 })
    }
}
