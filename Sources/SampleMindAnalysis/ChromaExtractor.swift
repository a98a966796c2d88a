import Glibc
import SampleMindDSP

/// A tuning-aware pitch-class profile from the spectral peaks of a long window, after the HPCP of
/// Gómez ("Tonal description of music audio signals", PhD thesis, UPF 2006).
///
/// Peaks between 65 Hz and 3.5 kHz are located to a fraction of a bin by a parabola through
/// their log magnitudes, so semitones stay apart even in the bass. Their deviations from the
/// equal-tempered grid give a running estimate of the tuning (a circular mean, weighted by
/// magnitude, forgetting over about ten seconds); each peak then adds its magnitude to the one or
/// two nearest pitch classes of the corrected grid, with a cos² weight over 4/3 semitone.
///
/// The peaks below ``bassHighestHz`` also make a bass profile: the bass line names the key's
/// tonic and dominant more plainly than the chords above it, which share most of their notes
/// with the relative and parallel keys.
///
/// Only peaks that stand out of their neighbourhood and last count: a partial of a note rises far
/// above the bins around it in one update after another, while the rare noise bin that stands
/// out does not stay, so white, pink or brown noise gives no profile and no key.
final class ChromaExtractor {
    static let lowestHz: Float = 65
    static let highestHz: Float = 3_500
    /// Peaks up to about middle C count for the bass profile as well.
    static let bassHighestHz: Float = 262
    static let peakRangeDB: Float = 50
    static let weightWidthSemitones: Float = 4.0 / 3.0
    static let tuningMemorySeconds: Float = 10
    /// A peak must exceed the mean level in dB of the bins 3 to 10 bins either side of it (outside
    /// the window's main lobe) by this much.
    static let prominenceDB: Float = 15
    static let neighbourhood = 3...10

    private let firstBin: Int
    private let lastBin: Int
    private let binCount: Int
    /// Bins that held a prominent peak in the previous update, and in this one.
    private var previousPeaks: UnsafeMutableBufferPointer<Bool>
    private var currentPeaks: UnsafeMutableBufferPointer<Bool>
    private let binHz: Float
    private let decibelSpectrum: UnsafeMutableBufferPointer<Float>
    private let tuningDecay: Float
    private var tuningReal: Float = 0
    private var tuningImaginary: Float = 0

    /// Deviation of the tuning from A = 440 Hz, in semitones (−0.5 … 0.5).
    private(set) var tuningSemitones: Float = 0
    /// The latest profile C…B (raw magnitudes), and their sum.
    let chroma: UnsafeMutableBufferPointer<Float>
    private(set) var total: Float = 0
    /// The same of the peaks below ``bassHighestHz``.
    let bassChroma: UnsafeMutableBufferPointer<Float>
    private(set) var bassTotal: Float = 0

    /// Not real-time safe: allocates.
    init(binCount: Int, binHz: Float, updatesPerSecond: Float) {
        self.binHz = binHz
        firstBin = max(1, Int(Self.lowestHz / binHz))
        lastBin = min(binCount - 2, Int(Self.highestHz / binHz) + 1)
        self.binCount = binCount
        previousPeaks = .allocate(capacity: binCount)
        previousPeaks.initialize(repeating: false)
        currentPeaks = .allocate(capacity: binCount)
        currentPeaks.initialize(repeating: false)
        decibelSpectrum = .allocate(capacity: binCount)
        decibelSpectrum.initialize(repeating: -200)
        chroma = .allocate(capacity: 12)
        chroma.initialize(repeating: 0)
        bassChroma = .allocate(capacity: 12)
        bassChroma.initialize(repeating: 0)
        tuningDecay = exp(-1 / (Self.tuningMemorySeconds * updatesPerSecond))
    }

    deinit {
        decibelSpectrum.deallocate()
        previousPeaks.deallocate()
        currentPeaks.deallocate()
        chroma.deallocate()
        bassChroma.deallocate()
    }

    /// Real-time safe: no allocation, locks or system calls.
    func process(_ power: UnsafeMutableBufferPointer<Float>) {
        var loudest: Float = -200
        let reach = Self.neighbourhood.upperBound
        for k in max(0, firstBin - reach)...min(binCount - 1, lastBin + reach) {
            let db = decibels(power: power[k])
            decibelSpectrum[k] = db
            if k >= firstBin - 1, k <= lastBin + 1 { loudest = max(loudest, db) }
        }
        for i in 0..<12 {
            chroma[i] = 0
            bassChroma[i] = 0
        }
        total = 0
        bassTotal = 0
        let threshold = max(-100, loudest - Self.peakRangeDB)
        var frameReal: Float = 0, frameImaginary: Float = 0
        let halfWidth = Self.weightWidthSemitones / 2
        for k in firstBin...lastBin {
            let b = decibelSpectrum[k]
            let a = decibelSpectrum[k - 1], c = decibelSpectrum[k + 1]
            currentPeaks[k] = false
            guard b > threshold, b > a, b >= c, b >= neighbourhoodLevel(around: k) + Self.prominenceDB else { continue }
            currentPeaks[k] = true
            guard previousPeaks[k - 1] || previousPeaks[k] || previousPeaks[k + 1] else { continue }
            let curvature = a - 2 * b + c
            let shift = curvature < 0 ? 0.5 * (a - c) / curvature : 0
            let frequency = (Float(k) + shift) * binHz
            let magnitude = exp2((b - 0.25 * (a - c) * shift) / 20 * 3.321_928)
            let pitch = 12 * fastLog2(frequency / 440) + 69
            let deviation = pitch - pitch.rounded()
            frameReal += magnitude * cos(2 * Float.pi * deviation)
            frameImaginary += magnitude * sin(2 * Float.pi * deviation)
            let corrected = pitch - tuningSemitones
            let nearest = corrected.rounded()
            for step in -1...1 {
                let candidate = nearest + Float(step)
                let distance = abs(corrected - candidate)
                guard distance < halfWidth else { continue }
                let shape = cos(Float.pi / 2 * distance / halfWidth)
                let pitchClass = (Int(candidate) % 12 + 12) % 12
                chroma[pitchClass] += magnitude * shape * shape
                total += magnitude * shape * shape
                if frequency < Self.bassHighestHz {
                    bassChroma[pitchClass] += magnitude * shape * shape
                    bassTotal += magnitude * shape * shape
                }
            }
        }
        swap(&previousPeaks, &currentPeaks)
        tuningReal = tuningReal * tuningDecay + frameReal
        tuningImaginary = tuningImaginary * tuningDecay + frameImaginary
        if tuningReal != 0 || tuningImaginary != 0 {
            tuningSemitones = atan2(tuningImaginary, tuningReal) / (2 * Float.pi)
        }
    }

    /// The mean level in dB of the bins ``neighbourhood`` away from bin `k` on both sides (those
    /// beyond the spectrum's ends left out). Real-time safe.
    @inline(__always)
    private func neighbourhoodLevel(around k: Int) -> Float {
        var sum: Float = 0, count: Float = 0
        for distance in Self.neighbourhood {
            if k - distance >= 0 { sum += decibelSpectrum[k - distance]; count += 1 }
            if k + distance < binCount { sum += decibelSpectrum[k + distance]; count += 1 }
        }
        return count > 0 ? sum / count : -200
    }

    /// The latest profile scaled to a largest bin of 1, for display (all zero without tonal energy).
    /// Real-time safe: no allocation, locks or system calls.
    func write(into frame: inout FeatureFrame) {
        var peak: Float = 0
        for i in 0..<12 { peak = max(peak, chroma[i]) }
        for i in 0..<12 { frame.chroma[i] = peak > 0 && total > 1e-4 ? chroma[i] / peak : 0 }
    }
}
