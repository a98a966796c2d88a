import Glibc

/// Drum sounds, clicks and patterns with exact onset and beat times.
public enum Percussion {
    /// A click track: a short 1.5 kHz tone burst with a noise transient on every beat, the
    /// first beat of each bar louder and higher.
    public static func clicks(
        bpm: Double, seconds: Double, sampleRate: Double, beatsPerBar: Int = 4, amplitude: Float = 0.5,
        startSeconds: Double = 0.5
    ) -> Signal {
        var signal = Signal(sampleRate: sampleRate, samples: [Float](repeating: 0, count: Int(seconds * sampleRate)))
        var random = SplitMix64(seed: 1)
        var beat = 0
        var time = startSeconds
        while time < seconds - 0.05 {
            let accent = beat % beatsPerBar == 0
            let frequency = accent ? 2_000.0 : 1_500.0
            let start = Int((time * sampleRate).rounded())
            let length = Int(0.03 * sampleRate)
            for i in 0..<length where start + i < signal.samples.count {
                let t = Double(i) / sampleRate
                let envelope = Float(exp(-t / 0.006))
                let tone = Float(sin(2 * Double.pi * frequency * t))
                signal.samples[start + i] += amplitude * envelope * (0.7 * tone + 0.3 * random.nextSignedUnit())
                    * (accent ? 1 : 0.8)
            }
            signal.onsets.append(time)
            signal.beats.append(time)
            if accent { signal.downbeats.append(time) }
            beat += 1
            time = startSeconds + Double(beat) * 60 / bpm
        }
        signal.tempoBPM = bpm
        return signal
    }

    /// A rock pattern: kick on 1 and 3, snare on 2 and 4, closed hi-hat on every eighth note.
    public static func drumPattern(
        bpm: Double, seconds: Double, sampleRate: Double, amplitude: Float = 0.5, startSeconds: Double = 0.25
    ) -> Signal {
        var signal = Signal(sampleRate: sampleRate, samples: [Float](repeating: 0, count: Int(seconds * sampleRate)))
        var random = SplitMix64(seed: 7)
        let beatSeconds = 60 / bpm
        var eighth = 0
        while true {
            let time = startSeconds + Double(eighth) * beatSeconds / 2
            guard time < seconds - 0.1 else { break }
            let start = Int((time * sampleRate).rounded())
            let onBeat = eighth % 2 == 0
            let beatInBar = (eighth / 2) % 4
            if onBeat {
                signal.beats.append(time)
                if beatInBar == 0 { signal.downbeats.append(time) }
                if beatInBar == 0 || beatInBar == 2 {
                    addKick(into: &signal.samples, at: start, sampleRate: sampleRate, amplitude: amplitude)
                } else {
                    addSnare(into: &signal.samples, at: start, sampleRate: sampleRate, amplitude: amplitude * 0.8,
                             random: &random)
                }
            }
            addHat(into: &signal.samples, at: start, sampleRate: sampleRate, amplitude: amplitude * 0.3,
                   random: &random)
            signal.onsets.append(time)
            eighth += 1
        }
        signal.tempoBPM = bpm
        return signal
    }

    static func addKick(into samples: inout [Float], at start: Int, sampleRate: Double, amplitude: Float) {
        var phase = 0.0
        for i in 0..<Int(0.25 * sampleRate) where start + i < samples.count {
            let t = Double(i) / sampleRate
            let frequency = 50 + 90 * exp(-t / 0.03)
            phase += 2 * Double.pi * frequency / sampleRate
            samples[start + i] += amplitude * Float(exp(-t / 0.08) * sin(phase))
        }
    }

    static func addSnare(
        into samples: inout [Float], at start: Int, sampleRate: Double, amplitude: Float, random: inout SplitMix64
    ) {
        for i in 0..<Int(0.15 * sampleRate) where start + i < samples.count {
            let t = Double(i) / sampleRate
            let body = Float(exp(-t / 0.04) * sin(2 * Double.pi * 190 * t))
            let rattle = Float(exp(-t / 0.05)) * random.nextSignedUnit()
            samples[start + i] += amplitude * (0.5 * body + 0.7 * rattle)
        }
    }

    static func addHat(
        into samples: inout [Float], at start: Int, sampleRate: Double, amplitude: Float, random: inout SplitMix64
    ) {
        var previous: Float = 0
        for i in 0..<Int(0.05 * sampleRate) where start + i < samples.count {
            let t = Double(i) / sampleRate
            let noise = random.nextSignedUnit()
            // A first difference tilts the noise towards the top of the spectrum.
            samples[start + i] += amplitude * Float(exp(-t / 0.012)) * (noise - previous) * 0.5
            previous = noise
        }
    }
}
