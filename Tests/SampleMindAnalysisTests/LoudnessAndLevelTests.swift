import Glibc
import SampleMindAnalysis
import SampleMindSynthesis
import XCTest

final class LoudnessAndLevelTests: XCTestCase {
    private func sine(_ frequency: Double, amplitude: Float, seconds: Double, sampleRate: Double) -> Signal {
        let samples = (0..<Int(seconds * sampleRate)).map {
            amplitude * Float(sin(2 * Double.pi * frequency * Double($0) / sampleRate))
        }
        return Signal(sampleRate: sampleRate, samples: samples)
    }

    func testProcess_whenFullScaleSineInBothChannels_readsZeroLUFS() throws {
        // EBU Tech 3341: a 0 dBFS 997 Hz sine in one channel reads −3.01 LUFS, so both read 0.
        let tone = sine(997, amplitude: 1, seconds: 5, sampleRate: 48_000)
        let run = try AnalysisRun.analyse(tone.stereo(), sampleRate: 48_000, channelCount: 2)
        let frame = run.frames(after: 4).first!
        XCTAssertEqual(frame.momentaryLUFS, 0, accuracy: 0.1)
        XCTAssertEqual(frame.shortTermLUFS, 0, accuracy: 0.1)
        XCTAssertEqual(run.frames(after: 4.5).first!.integratedLUFS, 0, accuracy: 0.1)
        XCTAssertEqual(frame.peakDBFS, 0, accuracy: 0.01)
        XCTAssertEqual(frame.rmsDBFS, -3.01, accuracy: 0.05)
    }

    func testProcess_whenSineAtMinus23DBFSInOneChannel_readsMinus26LUFS() throws {
        let tone = sine(997, amplitude: Float(pow(10, -23.0 / 20)), seconds: 5, sampleRate: 44_100)
        let run = try AnalysisRun.analyse(tone)
        XCTAssertEqual(run.frames(after: 4).first!.momentaryLUFS, -26.01, accuracy: 0.1)
    }

    func testProcess_whenSilence_levelsStayAtTheFloor() throws {
        let run = try AnalysisRun.analyse(Noise.silence(seconds: 3, sampleRate: 44_100))
        XCTAssertEqual(run.lastFrame.momentaryLUFS, -200)
        XCTAssertEqual(run.lastFrame.integratedLUFS, -200)
        XCTAssertEqual(run.lastFrame.peakDBFS, -200)
    }
}
