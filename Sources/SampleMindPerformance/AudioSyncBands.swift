import Glibc
import SampleMindAnalysis

/// Regroups the analyzer's 96-band display spectrum into WLED's 16 GEQ channels and its volume
/// and peak-frequency fields, on WLED's 0…255 scales (docs/wled.md).
///
/// WLED's own channels come from a 512-point FFT at 22 050 Hz; its band edges below are those
/// bins' frequencies (audio_reactive.h, "new mapping, optimized for 22050 Hz"). Each channel
/// here is the mean power of the display bands whose centres fall inside its edges, so the
/// channels mean the same frequencies on every input sample rate.
///
/// Made on the sender thread when a session's sample rate is known; ``measure(_:into:)`` then
/// only computes. Real-time safe after `init`: no allocation, locks or system calls.
public struct AudioSyncBands: Sendable {
    /// WLED's channel edges in Hz: channel `i` spans `edgesHz[i]..<edgesHz[i + 1]`.
    public static let edgesHz: [Double] = [43, 86, 129, 216, 301, 430, 560, 818, 1_120, 1_421, 1_895, 2_412, 3_015, 3_704, 4_479, 7_106, 9_259]
    /// dBFS mapped to 0 and to 255 on WLED's channel and volume scales.
    public static let floorDBFS: Float = -80
    public static let ceilingDBFS: Float = -10
    /// WLED's FFT magnitude of a full-scale sine: 16-bit samples (32 767), 512 points (half the
    /// energy in the positive bin: × 256) and its flat-top window's coherent gain (0.2156).
    public static let fullScaleMagnitude: Float = 32_767 * 256 * 0.2156
    /// WLED's major-peak search stops at its Nyquist frequency.
    public static let highestPeakHz = 11_025.0

    /// For each channel, the first and one-past-last display band; empty when the input's
    /// Nyquist frequency lies below the channel.
    private var firstBand = InlineArray<16, Int>(repeating: 0)
    private var endBand = InlineArray<16, Int>(repeating: 0)
    private var centresHz = InlineArray<96, Float>(repeating: 0)
    private var peakSearchEnd = 0

    /// Not real-time safe: call when a session starts (a handful of `pow` calls).
    /// A sample rate that is not a positive number is taken as 48 kHz.
    public init(sampleRate: Double) {
        let sampleRate = sampleRate.isFinite && sampleRate > 0 ? sampleRate : 48_000
        for band in 0..<FeatureFrame.spectrumBandCount {
            centresHz[band] = Float(FeatureFrame.spectrumCentreHz(band: band, sampleRate: sampleRate))
        }
        var band = 0
        for channel in 0..<AudioSyncPacket.bandCount {
            let low = Float(Self.edgesHz[channel]), high = Float(Self.edgesHz[channel + 1])
            while band < FeatureFrame.spectrumBandCount, centresHz[band] < low { band += 1 }
            firstBand[channel] = band
            var end = band
            while end < FeatureFrame.spectrumBandCount, centresHz[end] < high { end += 1 }
            endBand[channel] = end
            band = end
        }
        while peakSearchEnd < FeatureFrame.spectrumBandCount, Double(centresHz[peakSearchEnd]) <= Self.highestPeakHz { peakSearchEnd += 1 }
    }

    /// A dBFS level on WLED's 0…255 scale (NaN and −∞ give 0).
    public static func scaled(_ dBFS: Float) -> Float {
        guard dBFS.isFinite else { return 0 }
        return min(max((dBFS - floorDBFS) / (ceilingDBFS - floorDBFS) * 255, 0), 255)
    }

    /// Fills the packet's channels, volumes, pressure and major peak from `frame`.
    ///
    /// Real-time safe: no allocation, locks or system calls.
    public func measure(_ frame: FeatureFrame, into packet: inout AudioSyncPacket) {
        for channel in 0..<AudioSyncPacket.bandCount {
            let first = firstBand[channel], end = endBand[channel]
            guard end > first else {
                packet.bands[channel] = 0
                continue
            }
            var power: Float = 0
            for band in first..<end { power += powf(10, max(frame.spectrum[band], -200) / 10) }
            let level = 10 * log10f(max(power / Float(end - first), 1e-20))
            packet.bands[channel] = UInt8(Self.scaled(level).rounded())
        }
        var loudest = 0
        var loudestDBFS: Float = -.infinity
        for band in 0..<peakSearchEnd where frame.spectrum[band] > loudestDBFS {
            loudest = band
            loudestDBFS = frame.spectrum[band]
        }
        packet.majorPeakHz = peakSearchEnd > 0 ? centresHz[loudest] : 1
        packet.magnitude = loudestDBFS.isFinite ? Self.fullScaleMagnitude * powf(10, min(loudestDBFS, 20) / 20) : 0
        packet.sampleRaw = Self.scaled(frame.rmsDBFS)
        packet.pressure = Self.scaled(frame.peakDBFS)
    }
}
