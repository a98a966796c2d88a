import Glibc

/// A bank of triangular band filters over the bins of a power spectrum, stored sparsely
/// (each band keeps only its non-zero weights). Weights of a band sum to one, so a band reads
/// the mean power of the bins under it, and a band narrower than the bin spacing still reads
/// the interpolated power at its centre instead of nothing.
public struct FilterBank: ~Copyable {
    public let bandCount: Int
    /// Centre frequency of each band in hertz.
    public let centreFrequencies: UnsafeMutableBufferPointer<Float>
    private let firstBin: UnsafeMutableBufferPointer<Int32>
    private let weightOffset: UnsafeMutableBufferPointer<Int32>
    private let weightCount: UnsafeMutableBufferPointer<Int32>
    private let weights: UnsafeMutableBufferPointer<Float>

    /// Bands with centres spaced evenly on a logarithmic scale (`bandsPerOctave` per octave) from
    /// `lowestHz` up to `highestHz` (clipped below Nyquist). Where bands are narrower than the bin
    /// spacing (in the bass), bands that would read exactly the same bins are merged into one, so
    /// no bin counts twice (as madmom's unique filters do); with `mergingDuplicates` false every band
    /// is kept, so the count depends only on the frequencies and not on the FFT size or rate.
    /// Not real-time safe: call during set-up.
    public static func logarithmic(
        bandsPerOctave: Double, lowestHz: Double, highestHz: Double, fftSize: Int, sampleRate: Double,
        mergingDuplicates: Bool = true
    ) throws(DSPError) -> FilterBank {
        let top = min(highestHz, sampleRate / 2 * 0.95)
        guard bandsPerOctave > 0, lowestHz > 0, top > lowestHz else {
            throw .invalidParameter("log filter bank needs 0 < lowest (\(lowestHz) Hz) < highest (\(top) Hz)")
        }
        let count = logarithmicBandCount(bandsPerOctave: bandsPerOctave, lowestHz: lowestHz, highestHz: top)
        let edges = (0..<(count + 2)).map { lowestHz * pow(2, Double($0 - 1) / bandsPerOctave) }
        return FilterBank(edges: edges, fftSize: fftSize, sampleRate: sampleRate, mergingDuplicates: mergingDuplicates)
    }

    /// How many bands ``logarithmic(bandsPerOctave:lowestHz:highestHz:fftSize:sampleRate:mergingDuplicates:)``
    /// makes between `lowestHz` and `highestHz` (when the rate reaches `highestHz` and nothing is merged).
    public static func logarithmicBandCount(bandsPerOctave: Double, lowestHz: Double, highestHz: Double) -> Int {
        Int((log2(highestHz / lowestHz) * bandsPerOctave).rounded(.down)) + 1
    }

    /// `count` bands spread evenly over `lowestHz`…`highestHz` on a log scale, for display.
    public static func logarithmic(
        count: Int, lowestHz: Double, highestHz: Double, fftSize: Int, sampleRate: Double
    ) throws(DSPError) -> FilterBank {
        let top = min(highestHz, sampleRate / 2 * 0.95)
        guard count >= 2, lowestHz > 0, top > lowestHz else {
            throw .invalidParameter("log filter bank needs 2 or more bands and 0 < lowest < highest")
        }
        let ratio = log2(top / lowestHz) / Double(count - 1)
        let edges = (0..<(count + 2)).map { lowestHz * pow(2, Double($0 - 1) * ratio) }
        return FilterBank(edges: edges, fftSize: fftSize, sampleRate: sampleRate)
    }

    /// `count` bands evenly spaced on the mel scale (Slaney's formula: linear below 1 kHz, logarithmic above).
    public static func mel(
        count: Int, lowestHz: Double, highestHz: Double, fftSize: Int, sampleRate: Double
    ) throws(DSPError) -> FilterBank {
        let top = min(highestHz, sampleRate / 2)
        guard count >= 2, lowestHz >= 0, top > lowestHz else {
            throw .invalidParameter("mel filter bank needs 2 or more bands and 0 ≤ lowest < highest")
        }
        let low = hertzToMel(lowestHz), high = hertzToMel(top)
        let edges = (0..<(count + 2)).map { melToHertz(low + (high - low) * Double($0) / Double(count + 1)) }
        return FilterBank(edges: edges, fftSize: fftSize, sampleRate: sampleRate)
    }

    /// Band `b` spans `edges[b]`…`edges[b + 2]` with its peak at `edges[b + 1]`.
    private init(edges: [Double], fftSize: Int, sampleRate: Double, mergingDuplicates: Bool = false) {
        let binHz = sampleRate / Double(fftSize)
        let binCount = fftSize / 2 + 1
        var starts: [Int32] = [], offsets: [Int32] = [], counts: [Int32] = [], allWeights: [Float] = []
        var centres: [Float] = []
        for band in 0..<(edges.count - 2) {
            let (lo, mid, hi) = (edges[band], edges[band + 1], edges[band + 2])
            var bandWeights: [(Int, Double)] = []
            let firstK = max(0, Int((lo / binHz).rounded(.up)))
            let lastK = min(binCount - 1, Int((hi / binHz).rounded(.down)))
            if firstK <= lastK {
                for k in firstK...lastK {
                    let f = Double(k) * binHz
                    let w = f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid)
                    if w > 0 { bandWeights.append((k, w)) }
                }
            }
            if bandWeights.isEmpty {
                // Narrower than a bin: interpolate linearly between the two bins around the centre.
                let position = min(mid / binHz, Double(binCount - 1))
                let k0 = min(Int(position), binCount - 2)
                let frac = position - Double(k0)
                bandWeights = [(k0, 1 - frac), (k0 + 1, frac)]
            }
            if mergingDuplicates, let lastStart = starts.last, Int(lastStart) == bandWeights[0].0,
               Int(counts[counts.count - 1]) == bandWeights.last!.0 - bandWeights[0].0 + 1
            {
                continue
            }
            let total = bandWeights.reduce(0) { $0 + $1.1 }
            starts.append(Int32(bandWeights[0].0))
            offsets.append(Int32(allWeights.count))
            counts.append(Int32(bandWeights.count))
            // Weights are stored contiguously from the first bin, zeros filled in.
            let span = bandWeights.last!.0 - bandWeights[0].0 + 1
            var dense = [Float](repeating: 0, count: span)
            for (k, w) in bandWeights { dense[k - bandWeights[0].0] = Float(w / total) }
            counts[counts.count - 1] = Int32(span)
            allWeights.append(contentsOf: dense)
            centres.append(Float(mid))
        }
        bandCount = centres.count
        centreFrequencies = .allocate(capacity: bandCount)
        _ = centreFrequencies.initialize(from: centres)
        firstBin = .allocate(capacity: bandCount)
        _ = firstBin.initialize(from: starts)
        weightOffset = .allocate(capacity: bandCount)
        _ = weightOffset.initialize(from: offsets)
        weightCount = .allocate(capacity: bandCount)
        _ = weightCount.initialize(from: counts)
        weights = .allocate(capacity: max(1, allWeights.count))
        _ = weights.initialize(from: allWeights)
    }

    deinit {
        centreFrequencies.deallocate()
        firstBin.deallocate()
        weightOffset.deallocate()
        weightCount.deallocate()
        weights.deallocate()
    }

    /// Writes each band's weighted mean of `power` into `bands` (`bandCount` values).
    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    public func apply(to power: UnsafeMutableBufferPointer<Float>, into bands: UnsafeMutableBufferPointer<Float>) {
        for b in 0..<bandCount {
            let start = Int(firstBin[b]), offset = Int(weightOffset[b]), n = Int(weightCount[b])
            var sum: Float = 0
            for i in 0..<n { sum += power[start + i] * weights[offset + i] }
            bands[b] = sum
        }
    }
}

@inline(__always) func hertzToMel(_ hz: Double) -> Double {
    hz < 1000 ? hz * 3 / 200 : 15 + 27 * log(hz / 1000) / log(6.4)
}

@inline(__always) func melToHertz(_ mel: Double) -> Double {
    mel < 15 ? mel * 200 / 3 : 1000 * exp((mel - 15) * log(6.4) / 27)
}
