import Glibc
import SampleMindAnalysis
import SampleMindSynthesis
import XCTest

final class NetworkInputTests: XCTestCase {
    /// The analyzer with the network's input on, over mono samples; every hop's values.
    private func inputs(_ samples: [Float], sampleRate: Double) throws -> [[Float]] {
        var configuration = AnalyzerConfiguration(sampleRate: sampleRate, channelCount: 1)
        configuration.computesNetworkInput = true
        let analyzer = try Analyzer(configuration: configuration)
        let input = try XCTUnwrap(analyzer.networkInput)
        var rows: [[Float]] = []
        samples.withUnsafeBufferPointer { samples in
            let block = analyzer.samplesPerBlock
            for start in stride(from: 0, to: samples.count - block + 1, by: block) {
                analyzer.process(UnsafeBufferPointer(rebasing: samples[start..<(start + block)]))
                rows.append(Array(input.values))
            }
        }
        return rows
    }

    private func tone(_ hz: Double, seconds: Double, sampleRate: Double, amplitude: Double = 0.5) -> [Float] {
        (0..<Int(seconds * sampleRate)).map { Float(amplitude * sin(2 * Double.pi * hz * Double($0) / sampleRate)) }
    }

    func testInput_atEveryRateThatReaches16kHz_hasTheSameBandsInHertz() throws {
        var centres: [[Float]] = []
        for rate in [44_100.0, 48_000, 96_000] {
            var configuration = AnalyzerConfiguration(sampleRate: rate, channelCount: 2)
            configuration.computesNetworkInput = true
            let input = try XCTUnwrap(try Analyzer(configuration: configuration).networkInput)
            XCTAssertEqual(NetworkInput.bandCount, 109, "12 per octave from 30 Hz to 16 kHz")
            XCTAssertEqual(input.count, 218, "at \(rate) Hz")
            centres.append(input.centreFrequencies)
        }
        XCTAssertEqual(centres[0], centres[1])
        XCTAssertEqual(centres[0], centres[2])
        XCTAssertEqual(Double(centres[0][0]), 30, accuracy: 0.01)
        XCTAssertEqual(Double(centres[0][108]), 30 * pow(2, 108 / 12), accuracy: 1)
    }

    func testInput_belowTheRateThatReaches16kHz_isRefusedSayingWhichRateItNeeds() throws {
        var configuration = AnalyzerConfiguration(sampleRate: 32_000, channelCount: 1)
        configuration.computesNetworkInput = true
        XCTAssertThrowsError(try Analyzer(configuration: configuration)) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("at least 33685 Hz"), message)
            XCTAssertTrue(message.contains("32000 Hz"), message)
        }
        configuration.computesNetworkInput = false
        XCTAssertNoThrow(try Analyzer(configuration: configuration), "the analysis without the network still runs")
    }

    func testInput_whenDigitalSilence_isZero() throws {
        let rows = try inputs([Float](repeating: 0, count: 44_100), sampleRate: 44_100)
        XCTAssertTrue(rows.allSatisfy { $0.allSatisfy { $0 == 0 } })
    }

    func testInput_whenSteadyTone_levelPeaksAtItsBandAndRisesOnlyAtTheStart() throws {
        let rate = 48_000.0
        let rows = try inputs([Float](repeating: 0, count: 4_800) + tone(1_000, seconds: 2, sampleRate: rate), sampleRate: rate)
        let steady = rows[100]
        let levels = Array(steady[0..<109]), rises = Array(steady[109...])
        let loudest = levels.indices.max { levels[$0] < levels[$1] }!
        // Band k is centred at 30 · 2^(k/12) Hz: 1 kHz lies between bands 60 and 61.
        XCTAssertTrue((60...61).contains(loudest), "loudest band \(loudest)")
        // A 0.5 sine: band magnitude about 0.5, log10(1 + 10⁵ · 0.5) ≈ 4.7.
        XCTAssertEqual(levels[loudest], 4.7, accuracy: 0.35)
        XCTAssertLessThan(levels[0], 1, "nothing near 30 Hz")
        XCTAssertLessThan(rises.max()!, 0.01, "a steady tone does not rise")
        let onset = rows[10...14].map { Array($0[109...]).max()! }.max()!
        XCTAssertGreaterThan(onset, 1, "the tone's start rises")
    }

    func testInput_isTheSameWhenTheLevelIsTheSameWhateverTheChannelCount() throws {
        let mono = tone(440, seconds: 0.5, sampleRate: 44_100)
        var configuration = AnalyzerConfiguration(sampleRate: 44_100, channelCount: 2)
        configuration.computesNetworkInput = true
        let analyzer = try Analyzer(configuration: configuration)
        let stereo = mono.flatMap { [$0, $0] }
        let monoRows = try inputs(mono, sampleRate: 44_100)
        stereo.withUnsafeBufferPointer { samples in
            let block = analyzer.samplesPerBlock
            for (n, start) in stride(from: 0, to: samples.count - block + 1, by: block).enumerated() {
                analyzer.process(UnsafeBufferPointer(rebasing: samples[start..<(start + block)]))
                let values = Array(analyzer.networkInput!.values)
                for (a, b) in zip(values, monoRows[n]) { XCTAssertEqual(a, b, accuracy: 1e-4) }
            }
        }
    }
}
