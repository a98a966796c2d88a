import Glibc
import SampleMindAnalysis
import SampleMindSynthesis
import XCTest

final class SpectralFeatureTests: XCTestCase {
    func testProcess_whenPureTone_centroidSitsOnTheToneAndFlatnessIsLow() throws {
        let rate = 44_100.0
        let samples = (0..<Int(3 * rate)).map { Float(0.5 * sin(2 * Double.pi * 1_000 * Double($0) / rate)) }
        let frame = try AnalysisRun.analyse(samples, sampleRate: rate).frames(after: 2).first!
        XCTAssertEqual(frame.centroidHz, 1_000, accuracy: 30)
        XCTAssertLessThan(frame.flatness, 0.05)
        XCTAssertEqual(frame.rolloffHz, 1_000, accuracy: 50)
        let loudestBand = (0..<FeatureFrame.spectrumBandCount).max { frame.spectrum[$0] < frame.spectrum[$1] }!
        XCTAssertEqual(frame.spectrum[loudestBand], -9, accuracy: 3, "a band reads the mean power under it")
        XCTAssertLessThan(frame.spectrum[FeatureFrame.spectrumBandCount - 1], -100, "nothing at the top")
        XCTAssertTrue((0..<13).allSatisfy { frame.mfcc[$0].isFinite })
    }

    func testProcess_whenWhiteNoise_flatnessIsHighAndCentroidNearQuarterRate() throws {
        let frame = try AnalysisRun.analyse(Noise.white(seconds: 3, sampleRate: 44_100)).frames(after: 2).first!
        XCTAssertGreaterThan(frame.flatness, 0.5)
        XCTAssertEqual(frame.centroidHz, 11_025, accuracy: 1_000)
    }

    func testProcess_whenChords_chromaPeaksOnTheChordTones() throws {
        // The first chord of C major's I–IV–V–I is C–E–G.
        let chords = Harmony.progression(tonic: 0, minor: false, seconds: 1, sampleRate: 44_100)
        let frame = try AnalysisRun.analyse(chords).frames(after: 0.5).first!
        let strongest = Set((0..<12).sorted { frame.chroma[$0] > frame.chroma[$1] }.prefix(3))
        XCTAssertEqual(strongest, [0, 4, 7])
    }
}
