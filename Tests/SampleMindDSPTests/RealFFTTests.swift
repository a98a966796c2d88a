import Glibc
import SampleMindDSP
import XCTest

final class RealFFTTests: XCTestCase {
    func testExecute_whenSineOnABin_putsAllPowerInThatBin() throws {
        let fft = try RealFFT(size: 1024)
        for n in 0..<1024 { fft.input[n] = Float(sin(2 * Double.pi * 64 * Double(n) / 1024)) }
        fft.execute()
        let power = UnsafeMutableBufferPointer<Float>.allocate(capacity: fft.binCount)
        defer { power.deallocate() }
        fft.powerSpectrum(into: power, scale: 1, accumulate: false)
        let loudest = (0..<fft.binCount).max { power[$0] < power[$1] }!
        XCTAssertEqual(loudest, 64)
        XCTAssertEqual(power[64], 512 * 512, accuracy: 1)
        XCTAssertLessThan(power[63] + power[65], 1e-3)
    }

    func testPowerSpectrum_whenAccumulating_addsToWhatIsThere() throws {
        let fft = try RealFFT(size: 64)
        fft.input.update(repeating: 1)
        fft.execute()
        let power = UnsafeMutableBufferPointer<Float>.allocate(capacity: fft.binCount)
        defer { power.deallocate() }
        power.update(repeating: 5)
        fft.powerSpectrum(into: power, scale: 1, accumulate: true)
        XCTAssertEqual(power[0], 5 + 64 * 64)
        XCTAssertEqual(power[1], 5)
    }

    func testInit_whenSizeIsWrong_throws() {
        for size in [0, 15, 17, 1 << 21] {
            XCTAssertThrowsError(try RealFFT(size: size), "size \(size)")
        }
    }
}
