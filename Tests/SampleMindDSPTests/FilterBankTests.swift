import SampleMindDSP
import XCTest

final class FilterBankTests: XCTestCase {
    func testApply_whenSpectrumIsFlat_everyBandReadsTheSameLevel() throws {
        let bank = try FilterBank.logarithmic(count: 96, lowestHz: 30, highestHz: 16_000, fftSize: 2048, sampleRate: 44_100)
        XCTAssertEqual(bank.bandCount, 96)
        let power = UnsafeMutableBufferPointer<Float>.allocate(capacity: 1025)
        let bands = UnsafeMutableBufferPointer<Float>.allocate(capacity: bank.bandCount)
        defer { power.deallocate(); bands.deallocate() }
        power.update(repeating: 0.25)
        bank.apply(to: power, into: bands)
        for b in 0..<bank.bandCount { XCTAssertEqual(bands[b], 0.25, accuracy: 1e-5, "band \(b)") }
    }

    func testLogarithmic_whenBandsAreNarrowerThanBins_mergesDuplicates() throws {
        let bank = try FilterBank.logarithmic(bandsPerOctave: 24, lowestHz: 30, highestHz: 17_000, fftSize: 2048,
                                              sampleRate: 44_100)
        let nominal = Int(log2(17_000.0 / 30) * 24) + 1
        XCTAssertLessThan(bank.bandCount, nominal, "bass bands sharing bins are merged")
        XCTAssertGreaterThan(bank.bandCount, nominal / 2)
        for b in 1..<bank.bandCount {
            XCTAssertGreaterThan(bank.centreFrequencies[b], bank.centreFrequencies[b - 1])
        }
    }

    func testMel_coversTheRequestedRange() throws {
        let bank = try FilterBank.mel(count: 40, lowestHz: 0, highestHz: 8_000, fftSize: 2048, sampleRate: 44_100)
        XCTAssertEqual(bank.bandCount, 40)
        XCTAssertLessThan(bank.centreFrequencies[0], 100)
        XCTAssertGreaterThan(bank.centreFrequencies[39], 6_000)
    }

    func testFactories_whenRangeIsEmpty_throw() {
        let wrong: [() throws -> Void] = [
            { _ = try FilterBank.logarithmic(count: 96, lowestHz: 5_000, highestHz: 4_000, fftSize: 512, sampleRate: 8_000) },
            { _ = try FilterBank.logarithmic(bandsPerOctave: 0, lowestHz: 30, highestHz: 1_000, fftSize: 512, sampleRate: 8_000) },
            { _ = try FilterBank.mel(count: 1, lowestHz: 0, highestHz: 8_000, fftSize: 512, sampleRate: 16_000) },
            { _ = try DCT(inputCount: 10, outputCount: 13) },
        ]
        for (index, make) in wrong.enumerated() {
            XCTAssertThrowsError(try make(), "case \(index)") { error in
                guard case DSPError.invalidParameter = error else { return XCTFail("unexpected \(error)") }
            }
        }
    }
}
