import SampleMindAnalysis
import SampleMindPerformance
import XCTest

/// The WLED Audio Sync v2 packet, byte for byte, and the regrouping of the spectrum into WLED's
/// 16 channels.
final class AudioSyncPacketTests: XCTestCase {
    func testEncode_writesWLEDsFortyFourByteLayoutLittleEndian() {
        var packet = AudioSyncPacket()
        packet.pressure = 10.5
        packet.sampleRaw = 1
        packet.sampleSmooth = -2   // clamped to 0
        packet.peak = true
        packet.frameCounter = 7
        for band in 0..<16 { packet.bands[band] = UInt8(band * 16) }
        packet.zeroCrossingCount = 0x0102
        packet.magnitude = 2
        packet.majorPeakHz = 440
        let expected: [UInt8] = [
            0x30, 0x30, 0x30, 0x30, 0x32, 0x00,          // "00002\0"
            10, 128,                                      // pressure 10 + 128/256
            0x00, 0x00, 0x80, 0x3F,                       // sampleRaw 1.0
            0x00, 0x00, 0x00, 0x00,                       // sampleSmth 0.0
            1, 7,                                         // samplePeak, frameCounter
            0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240,
            0x02, 0x01,                                   // zeroCrossingCount 0x0102
            0x00, 0x00, 0x00, 0x40,                       // FFT_Magnitude 2.0
            0x00, 0x00, 0xDC, 0x43,                       // FFT_MajorPeak 440.0
        ]
        XCTAssertEqual(packet.bytes, expected)
        XCTAssertEqual(packet.bytes.count, AudioSyncPacket.size)
    }

    func testEncode_whenValuesAreNotNumbersOrOutOfRange_clampsInsteadOfTrapping() {
        var packet = AudioSyncPacket()
        packet.pressure = .infinity
        packet.sampleRaw = .nan
        packet.magnitude = -.infinity
        packet.majorPeakHz = 1e9
        guard let decoded = AudioSyncPacket(decoding: packet.bytes) else { return XCTFail("the packet does not decode") }
        XCTAssertEqual(decoded.pressure, 255 + 255 / 256)
        XCTAssertEqual(decoded.sampleRaw, 0)
        XCTAssertEqual(decoded.magnitude, 0)
        XCTAssertEqual(decoded.majorPeakHz, 11_025)
    }

    func testDecode_refusesWrongSizesAndHeadersAsWLEDDoes() {
        let good = AudioSyncPacket().bytes
        XCTAssertNotNil(AudioSyncPacket(decoding: good))
        XCTAssertNil(AudioSyncPacket(decoding: Array(good.prefix(40))), "the 40-byte size of the unpadded struct")
        var v1 = good
        v1[4] = 0x31
        XCTAssertNil(AudioSyncPacket(decoding: v1), "header 00001 is the v1 packet")
    }

    func testBands_putEachToneInTheChannelWhoseEdgesHoldIt() {
        for sampleRate in [44_100.0, 48_000.0] {
            let bands = AudioSyncBands(sampleRate: sampleRate)
            for channel in 0..<16 {
                let centre = (AudioSyncBands.edgesHz[channel] * AudioSyncBands.edgesHz[channel + 1]).squareRoot()
                var frame = FeatureFrame()
                frame.spectrum = InlineArray(repeating: -120)
                let nearest = (0..<FeatureFrame.spectrumBandCount).min {
                    abs(FeatureFrame.spectrumCentreHz(band: $0, sampleRate: sampleRate) - centre)
                        < abs(FeatureFrame.spectrumCentreHz(band: $1, sampleRate: sampleRate) - centre)
                } ?? 0
                frame.spectrum[nearest] = -20
                var packet = AudioSyncPacket()
                bands.measure(frame, into: &packet)
                let loudest = (0..<16).max { packet.bands[$0] < packet.bands[$1] } ?? -1
                XCTAssertEqual(loudest, channel, "a tone at \(Int(centre)) Hz at \(Int(sampleRate)) Hz")
                XCTAssertGreaterThan(packet.bands[channel], 0)
                XCTAssertEqual(Double(packet.majorPeakHz), FeatureFrame.spectrumCentreHz(band: nearest, sampleRate: sampleRate), accuracy: 0.5)
            }
        }
    }

    func testBands_whenSilentOrNotANumber_giveZeroes() {
        var frame = FeatureFrame()
        frame.spectrum = InlineArray(repeating: -200)
        frame.spectrum[10] = .nan
        frame.rmsDBFS = -.infinity
        var packet = AudioSyncPacket()
        AudioSyncBands(sampleRate: .nan).measure(frame, into: &packet)
        for band in 0..<16 { XCTAssertEqual(packet.bands[band], 0) }
        XCTAssertEqual(packet.sampleRaw, 0)
    }

    func testTargets_parseHostAndPortAndRefuseMistakesWithTheKeyToFix() throws {
        XCTAssertEqual(try AudioSyncTarget.parse("192.168.1.40:11988").get(), AudioSyncTarget(host: "192.168.1.40", port: 11_988))
        XCTAssertEqual(try AudioSyncTarget.parse("[fd00::7]:11988").get(), AudioSyncTarget(host: "fd00::7", port: 11_988))
        for bad in ["192.168.1.40", ":11988", "wled:0", "wled:99999", "wled:x"] {
            guard case .failure(let error) = AudioSyncTarget.parse(bad) else { XCTFail("\(bad) was taken"); continue }
            XCTAssertTrue(error.description.contains("wled.targets"), error.description)
        }
    }
}
