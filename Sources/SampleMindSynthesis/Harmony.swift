import Glibc

/// Chord progressions in a known key, played by a simple additive "electric piano" with a bass line.
public enum Harmony {
    /// Tonic names C…B for the truth label, spelt as the corpus spells them.
    static let tonicNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]

    /// I–IV–V–I (major) or i–iv–V–i (minor, with the raised leading note), repeated for `seconds`,
    /// each chord lasting `chordSeconds`. `tuningCents` detunes everything from A = 440 Hz.
    public static func progression(
        tonic: Int, minor: Bool, seconds: Double, sampleRate: Double, chordSeconds: Double = 1.0,
        tuningCents: Double = 0, amplitude: Float = 0.15
    ) -> Signal {
        // Chords as semitone offsets from the tonic (root position, close voicing).
        let chords: [[Int]] = minor
            ? [[0, 3, 7], [5, 8, 12], [7, 11, 14], [0, 3, 7]]
            : [[0, 4, 7], [5, 9, 12], [7, 11, 14], [0, 4, 7]]
        var signal = Signal(sampleRate: sampleRate, samples: [Float](repeating: 0, count: Int(seconds * sampleRate)))
        var chordIndex = 0
        var time = 0.0
        while time < seconds - 0.05 {
            let chord = chords[chordIndex % chords.count]
            let start = Int(time * sampleRate)
            let length = min(Int(chordSeconds * sampleRate), signal.samples.count - start)
            for offset in chord {
                addNote(midi: 60 + tonic + offset, into: &signal.samples, start: start, length: length,
                        sampleRate: sampleRate, tuningCents: tuningCents, amplitude: amplitude)
            }
            addNote(midi: 36 + tonic + chord[0], into: &signal.samples, start: start, length: length,
                    sampleRate: sampleRate, tuningCents: tuningCents, amplitude: amplitude * 1.2)
            signal.onsets.append(time)
            chordIndex += 1
            time += chordSeconds
        }
        signal.key = "\(tonicNames[(tonic % 12 + 12) % 12]) \(minor ? "minor" : "major")"
        return signal
    }

    /// A note of six harmonics falling off as 1/n, with a quick attack and a slow decay.
    static func addNote(
        midi: Int, into samples: inout [Float], start: Int, length: Int, sampleRate: Double,
        tuningCents: Double, amplitude: Float
    ) {
        let frequency = 440 * pow(2, (Double(midi - 69) + tuningCents / 100) / 12)
        let release = Int(0.02 * sampleRate)
        for i in 0..<max(0, length) {
            let t = Double(i) / sampleRate
            var value = 0.0
            for harmonic in 1...6 where Double(harmonic) * frequency < sampleRate / 2 {
                value += sin(2 * Double.pi * frequency * Double(harmonic) * t) / Double(harmonic)
            }
            let attack = min(1, t / 0.005)
            let tail = i > length - release ? Double(length - i) / Double(release) : 1
            samples[start + i] += amplitude * Float(value * attack * tail * exp(-t / 1.5))
        }
    }
}
