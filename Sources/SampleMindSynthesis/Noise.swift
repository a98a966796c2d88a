/// Stationary test signals.
public enum Noise {
    /// Uniform white noise at the given peak amplitude.
    public static func white(seconds: Double, sampleRate: Double, amplitude: Float = 0.5, seed: UInt64 = 3) -> Signal {
        var random = SplitMix64(seed: seed)
        let samples = (0..<Int(seconds * sampleRate)).map { _ in amplitude * random.nextSignedUnit() }
        var signal = Signal(sampleRate: sampleRate, samples: samples)
        signal.onsets = []
        return signal
    }

    /// Digital silence.
    public static func silence(seconds: Double, sampleRate: Double) -> Signal {
        Signal(sampleRate: sampleRate, samples: [Float](repeating: 0, count: Int(seconds * sampleRate)))
    }
}
