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

    /// Pink noise (power falling 3 dB per octave): white noise through Paul Kellet's economy
    /// filter, scaled to the given peak amplitude.
    public static func pink(seconds: Double, sampleRate: Double, amplitude: Float = 0.5, seed: UInt64 = 5) -> Signal {
        var random = SplitMix64(seed: seed)
        var b0: Float = 0, b1: Float = 0, b2: Float = 0
        let samples = (0..<Int(seconds * sampleRate)).map { _ -> Float in
            let white = random.nextSignedUnit()
            b0 = 0.99765 * b0 + white * 0.0990460
            b1 = 0.96300 * b1 + white * 0.2965164
            b2 = 0.57000 * b2 + white * 1.0526913
            return b0 + b1 + b2 + white * 0.1848
        }
        return scaled(samples, sampleRate: sampleRate, amplitude: amplitude)
    }

    /// Brown (red) noise (power falling 6 dB per octave): leaky integration of white noise,
    /// scaled to the given peak amplitude.
    public static func brown(seconds: Double, sampleRate: Double, amplitude: Float = 0.5, seed: UInt64 = 9) -> Signal {
        var random = SplitMix64(seed: seed)
        var level: Float = 0
        let samples = (0..<Int(seconds * sampleRate)).map { _ -> Float in
            level = 0.998 * level + 0.02 * random.nextSignedUnit()
            return level
        }
        return scaled(samples, sampleRate: sampleRate, amplitude: amplitude)
    }

    private static func scaled(_ samples: [Float], sampleRate: Double, amplitude: Float) -> Signal {
        let peak = samples.map { abs($0) }.max() ?? 0
        var signal = Signal(sampleRate: sampleRate, samples: peak > 0 ? samples.map { $0 * amplitude / peak } : samples)
        signal.onsets = []
        return signal
    }

    /// Digital silence.
    public static func silence(seconds: Double, sampleRate: Double) -> Signal {
        Signal(sampleRate: sampleRate, samples: [Float](repeating: 0, count: Int(seconds * sampleRate)))
    }
}
