import Glibc
import SampleMindDSP

/// What a trained network reads each hop: the log magnitude of fixed log-frequency bands of the
/// analyzer's own power spectrum, followed by each band's rise since the previous hop.
///
/// The bands are fixed in hertz (12 per octave, 30 Hz … 16 kHz, never merged), so every sample
/// rate that reaches 16 kHz below 95 % of Nyquist gives the same 109 bands and the same meaning
/// per value; lower rates are refused. `samplemind features` writes exactly these values, so the
/// network is trained on the numbers it later sees live.
///
/// Level per band: log10(1 + 10⁵ · magnitude), magnitude the square root of the band's mean power
/// (a full-scale sine reads 1): 0 in digital silence, about 5 at full scale, smooth near the floor.
public final class NetworkInput {
    /// Increment when the values change meaning; written beside every feature file, and checked
    /// against the value a weight file was trained with.
    public static let version = 1
    public static let bandsPerOctave = 12.0
    public static let lowestHz = 30.0
    public static let highestHz = 16_000.0
    public static let magnitudeScale: Float = 1e5
    /// The lowest sample rate that reaches `highestHz` (the filter bank stops at 95 % of Nyquist).
    public static let minimumSampleRate = highestHz / 0.475

    /// The bands at every rate the network serves.
    public static let bandCount = FilterBank.logarithmicBandCount(
        bandsPerOctave: bandsPerOctave, lowestHz: lowestHz, highestHz: highestHz)
    /// Values per hop: a level and a rise per band.
    public static let valueCount = 2 * bandCount

    /// `valueCount` values: levels, then rises; valid after ``process(_:)``.
    public let values: UnsafeMutableBufferPointer<Float>
    public var count: Int { values.count }
    private let bank: FilterBank
    private let previous: UnsafeMutableBufferPointer<Float>

    /// Not real-time safe: allocates. Throws for a rate below ``minimumSampleRate``.
    public init(fftSize: Int, sampleRate: Double) throws(AnalysisError) {
        if let problem = Self.rateProblem(sampleRate) { throw .invalidConfiguration(problem) }
        do {
            bank = try FilterBank.logarithmic(
                bandsPerOctave: Self.bandsPerOctave, lowestHz: Self.lowestHz, highestHz: Self.highestHz,
                fftSize: fftSize, sampleRate: sampleRate, mergingDuplicates: false)
        } catch {
            throw .resourceUnavailable("could not set up the network's filter bank: \(error)")
        }
        precondition(bank.bandCount == Self.bandCount, "NetworkInput: the filter bank's bands are not the network's")
        values = .allocate(capacity: Self.valueCount)
        values.initialize(repeating: 0)
        previous = .allocate(capacity: Self.bandCount)
        previous.initialize(repeating: 0)
    }

    /// Why the network cannot read audio at `sampleRate`, or nil when it can.
    static func rateProblem(_ sampleRate: Double) -> String? {
        guard sampleRate < minimumSampleRate else { return nil }
        return "the network needs a sample rate of at least \(Int(minimumSampleRate.rounded(.up))) Hz "
            + "(its bands reach \(Int(highestHz)) Hz) and the input runs at \(Int(sampleRate)) Hz"
    }

    deinit {
        values.deallocate()
        previous.deallocate()
    }

    /// The band centres in hertz, lowest first.
    public var centreFrequencies: [Float] { Array(bank.centreFrequencies) }

    /// Computes this hop's values from its power spectrum. Real-time safe: no allocation, locks
    /// or system calls.
    func process(_ power: UnsafeMutableBufferPointer<Float>) {
        let levels = UnsafeMutableBufferPointer(rebasing: values[0..<Self.bandCount])
        bank.apply(to: power, into: levels)
        for b in 0..<Self.bandCount {
            let level = log10f(1 + Self.magnitudeScale * sqrtf(max(levels[b], 0)))
            levels[b] = level
            values[Self.bandCount + b] = max(0, level - previous[b])
            previous[b] = level
        }
    }
}
