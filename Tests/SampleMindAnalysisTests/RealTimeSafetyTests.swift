import SampleMindAnalysis
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

final class RealTimeSafetyTests: XCTestCase {
    func testAllocationCounter_countsAllocationsOnThisThread() {
        let counted = countAllocations {
            let array = [Int](repeating: 7, count: Int.random(in: 1000...2000))
            XCTAssertGreaterThan(array.count, 0)
        }
        XCTAssertGreaterThan(counted, 0, "the counter must see an allocation, or a zero below proves nothing")
    }

    func testProcess_afterWarmUp_neverAllocatesOverTwelveSecondsOfMusic() throws {
        // The DSP detectors (with the network's input computed, as for `samplemind features`),
        // then the network with the bar-pointer decoder and with the DSP trackers.
        try processWithoutAllocating { $0.computesNetworkInput = true }
        for decoder in BeatDecoder.allCases {
            try processWithoutAllocating {
                NetworkDetectorTests.network(&$0)
                $0.beatDecoder = decoder
            }
        }
    }

    private func processWithoutAllocating(_ configure: (inout AnalyzerConfiguration) -> Void) throws {
        let rate = 44_100.0
        // Drums and chords with a key change, so every tracker emits events while measured.
        let music = Percussion.drumPattern(bpm: 120, seconds: 16, sampleRate: rate)
            .mixed(with: Harmony.progression(tonic: 0, minor: false, seconds: 8, sampleRate: rate)
                .followed(by: Harmony.progression(tonic: 7, minor: false, seconds: 8, sampleRate: rate)))
        let stereo = music.stereo(antiphase: true)
        var configuration = AnalyzerConfiguration(sampleRate: rate, channelCount: 2)
        configure(&configuration)
        let analyzer = try Analyzer(configuration: configuration)
        XCTAssertEqual(analyzer.detectorInUse, configuration.detector, "the detector asked for runs")
        let block = analyzer.samplesPerBlock
        let warmUpBlocks = Int(4 * rate) / analyzer.configuration.hopSize
        var events = 0
        stereo.withUnsafeBufferPointer { samples in
            let blocks = samples.count / block
            for b in 0..<warmUpBlocks {
                analyzer.process(UnsafeBufferPointer(rebasing: samples[(b * block)..<((b + 1) * block)]))
            }
            let allocations = countAllocations {
                for b in warmUpBlocks..<blocks {
                    analyzer.process(UnsafeBufferPointer(rebasing: samples[(b * block)..<((b + 1) * block)]))
                    events += analyzer.events.count
                }
            }
            let seconds = Double((blocks - warmUpBlocks) * analyzer.configuration.hopSize) / rate
            XCTAssertGreaterThanOrEqual(seconds, 11.9)
            XCTAssertEqual(allocations, 0, "\(allocations) heap allocations over \(seconds) s of processing with \(analyzer.detectorInUse)")
        }
        XCTAssertGreaterThan(events, 40, "onsets, beats and a key change were emitted while measured")
    }

    func testStageControls_neverAllocate() throws {
        try applyControlsWithoutAllocating { _ in }
        try applyControlsWithoutAllocating(NetworkDetectorTests.network)
    }

    private func applyControlsWithoutAllocating(_ configure: (inout AnalyzerConfiguration) -> Void) throws {
        let rate = 48_000.0
        let music = Percussion.drumPattern(bpm: 120, seconds: 12, sampleRate: rate)
        var configuration = AnalyzerConfiguration(sampleRate: rate, channelCount: 1)
        configure(&configuration)
        let analyzer = try Analyzer(configuration: configuration)
        XCTAssertEqual(analyzer.detectorInUse, configuration.detector, "the detector asked for runs")
        let block = analyzer.samplesPerBlock
        let controls: [StageControl] = [.tap, .tap, .tap, .lock, .unlock, .downbeat, .meter(3), .meter(7), .reset, .lock, .holdTempo(100), .unlock]
        music.samples.withUnsafeBufferPointer { samples in
            let blocks = samples.count / block
            for b in 0..<(blocks / 2) {
                analyzer.process(UnsafeBufferPointer(rebasing: samples[(b * block)..<((b + 1) * block)]))
            }
            let allocations = countAllocations {
                for b in (blocks / 2)..<blocks {
                    if b % 40 == 0 { analyzer.apply(controls[(b / 40) % controls.count]) }
                    analyzer.process(UnsafeBufferPointer(rebasing: samples[(b * block)..<((b + 1) * block)]))
                }
            }
            XCTAssertEqual(allocations, 0, "\(allocations) heap allocations while applying stage controls")
        }
    }
}
