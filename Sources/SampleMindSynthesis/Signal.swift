/// A generated mono signal with the truth about what is in it.
public struct Signal: Sendable {
    public var sampleRate: Double
    public var samples: [Float]
    /// Times (seconds) of every attack, of every beat, and of the first beat of each bar.
    public var onsets: [Double] = []
    public var beats: [Double] = []
    public var downbeats: [Double] = []
    public var tempoBPM: Double?
    public var key: String?

    public init(sampleRate: Double, samples: [Float]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    public var durationSeconds: Double { Double(samples.count) / sampleRate }

    /// The signal followed by `other` (same rate), with `other`'s times shifted.
    public func followed(by other: Signal) -> Signal {
        var joined = self
        let shift = durationSeconds
        joined.samples += other.samples
        joined.onsets += other.onsets.map { $0 + shift }
        joined.beats += other.beats.map { $0 + shift }
        joined.downbeats += other.downbeats.map { $0 + shift }
        return joined
    }

    /// The samples scaled by `gain` (linear) plus a constant `offset`.
    public func scaled(by gain: Float, offset: Float = 0) -> Signal {
        var copy = self
        copy.samples = samples.map { $0 * gain + offset }
        return copy
    }

    /// Interleaved stereo: the signal on the left, and on the right the same or, with `antiphase`, inverted.
    public func stereo(antiphase: Bool = false) -> [Float] {
        var out = [Float](repeating: 0, count: samples.count * 2)
        for (i, s) in samples.enumerated() {
            out[2 * i] = s
            out[2 * i + 1] = antiphase ? -s : s
        }
        return out
    }

    /// Adds `other` sample by sample (the longer length wins), merging the truth.
    public func mixed(with other: Signal) -> Signal {
        var mix = self
        if other.samples.count > mix.samples.count {
            mix.samples += [Float](repeating: 0, count: other.samples.count - mix.samples.count)
        }
        for (i, s) in other.samples.enumerated() { mix.samples[i] += s }
        mix.onsets = (onsets + other.onsets).sorted()
        mix.beats = beats.isEmpty ? other.beats : beats
        mix.downbeats = downbeats.isEmpty ? other.downbeats : downbeats
        mix.tempoBPM = tempoBPM ?? other.tempoBPM
        mix.key = key ?? other.key
        return mix
    }
}
