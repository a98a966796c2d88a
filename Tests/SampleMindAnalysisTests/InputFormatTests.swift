import SampleMindAnalysis
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// Sample rates, channel layouts and configuration errors.
final class InputFormatTests: XCTestCase {
    func testInit_defaultsScaleWithTheSampleRate() {
        for (rate, hop, window) in [(22_050.0, 221, 1024), (44_100, 441, 2048), (48_000, 480, 2048), (96_000, 960, 4096)] {
            let configuration = AnalyzerConfiguration(sampleRate: rate, channelCount: 2)
            XCTAssertEqual(configuration.hopSize, hop)
            XCTAssertEqual(configuration.windowSize, window)
        }
    }

    func testInit_whenParametersAreWrong_throwsAClearError() {
        let wrong: [(AnalyzerConfiguration, String)] = [
            (AnalyzerConfiguration(sampleRate: 7_999, channelCount: 1), "8000 to 192000"),
            (AnalyzerConfiguration(sampleRate: 384_000, channelCount: 1), "8000 to 192000"),
            (AnalyzerConfiguration(sampleRate: .nan, channelCount: 1), "not supported"),
            (AnalyzerConfiguration(sampleRate: 44_100, channelCount: 0), "channel count"),
            (AnalyzerConfiguration(sampleRate: 44_100, channelCount: 2, channels: .single(2)), "channel 3"),
            (AnalyzerConfiguration(sampleRate: 44_100, channelCount: 1, hopSize: 10), "1–50 ms"),
            (AnalyzerConfiguration(sampleRate: 44_100, channelCount: 1, hopSize: 441, windowSize: 300), "window size"),
            (AnalyzerConfiguration(sampleRate: 44_100, channelCount: 1, beatsPerBar: 0), "beats per bar"),
        ]
        for (configuration, phrase) in wrong {
            XCTAssertThrowsError(try Analyzer(configuration: configuration)) { error in
                XCTAssertTrue("\(error)".contains(phrase), "'\(error)' should mention '\(phrase)'")
            }
        }
    }

    func testProcess_atCommonSampleRates_findsTempoAndOnsets() throws {
        for rate in [22_050.0, 44_100, 48_000, 96_000] {
            let drums = Percussion.drumPattern(bpm: 120, seconds: 12, sampleRate: rate)
            let run = try AnalysisRun.analyse(drums)
            XCTAssertGreaterThan(fMeasure(run.onsets, drums.onsets, tolerance: 0.05), 0.95, "onsets at \(rate) Hz")
            XCTAssertEqual(run.lastFrame.tempoBPM, 120, accuracy: 2.4, "tempo at \(rate) Hz")
        }
    }

    func testProcess_atTheExtremeRates_runs() throws {
        for rate in [8_000.0, 192_000] {
            let clicks = Percussion.clicks(bpm: 120, seconds: 6, sampleRate: rate)
            let run = try AnalysisRun.analyse(clicks)
            XCTAssertEqual(matchCount(run.onsets, clicks.onsets, tolerance: 0.03), clicks.onsets.count, "at \(rate) Hz")
        }
    }

    func testProcess_whenStereoInPhase_matchesMono() throws {
        let drums = Percussion.drumPattern(bpm: 110, seconds: 12, sampleRate: 44_100)
        let mono = try AnalysisRun.analyse(drums)
        let stereo = try AnalysisRun.analyse(drums.stereo(), sampleRate: 44_100, channelCount: 2)
        XCTAssertEqual(mono.onsets, stereo.onsets)
        XCTAssertEqual(mono.beatTimes, stereo.beatTimes)
    }

    func testProcess_whenStereoPairIsInAntiphase_hearsTheMusicFully() throws {
        let drums = Percussion.drumPattern(bpm: 110, seconds: 12, sampleRate: 44_100)
            .mixed(with: Harmony.progression(tonic: 7, minor: false, seconds: 12, sampleRate: 44_100))
        let mono = try AnalysisRun.analyse(drums)
        let antiphase = try AnalysisRun.analyse(drums.stereo(antiphase: true), sampleRate: 44_100, channelCount: 2)
        XCTAssertEqual(antiphase.onsets, mono.onsets)
        XCTAssertEqual(antiphase.lastFrame.tempoBPM, mono.lastFrame.tempoBPM)
        XCTAssertEqual(antiphase.lastFrame.key?.description, "G major")
        XCTAssertEqual(antiphase.lastFrame.momentaryLUFS, mono.lastFrame.momentaryLUFS + 3.01, accuracy: 0.1,
                       "two channels of equal energy read 3 dB louder than one")
    }

    func testProcess_whenOneChannelIsChosen_analysesOnlyThatChannel() throws {
        let clicks = Percussion.clicks(bpm: 120, seconds: 8, sampleRate: 44_100)
        var leftOnly = [Float](repeating: 0, count: clicks.samples.count * 2)
        for (i, s) in clicks.samples.enumerated() { leftOnly[2 * i] = s }
        let left = try AnalysisRun.analyse(leftOnly, sampleRate: 44_100, channelCount: 2) { $0.channels = .single(0) }
        let right = try AnalysisRun.analyse(leftOnly, sampleRate: 44_100, channelCount: 2) { $0.channels = .single(1) }
        XCTAssertEqual(left.onsets.count, clicks.onsets.count)
        XCTAssertEqual(right.onsets, [])
    }

    func testProcess_whenSixChannels_combinesThemAll() throws {
        let clicks = Percussion.clicks(bpm: 120, seconds: 6, sampleRate: 48_000)
        var surround = [Float](repeating: 0, count: clicks.samples.count * 6)
        for (i, s) in clicks.samples.enumerated() { surround[6 * i + 4] = s }
        let run = try AnalysisRun.analyse(surround, sampleRate: 48_000, channelCount: 6)
        XCTAssertEqual(matchCount(run.onsets, clicks.onsets, tolerance: 0.02), clicks.onsets.count)
    }
}
