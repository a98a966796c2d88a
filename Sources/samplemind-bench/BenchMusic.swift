import SampleMindAudioFile
import SampleMindSynthesis

/// The generated music the live benchmarks play: drums at 124 BPM over chords in D major, mono 48 kHz.
enum BenchMusic {
    static func write(seconds: Double, into folder: String) -> String? {
        let path = "\(folder)/music.wav"
        let music = Percussion.drumPattern(bpm: 124, seconds: seconds, sampleRate: 48_000)
            .mixed(with: Harmony.progression(tonic: 2, minor: false, seconds: seconds, sampleRate: 48_000))
        do {
            try AudioFileWriter.write(music.samples, sampleRate: 48_000, channelCount: 1, to: path, encoding: .wavFloat)
            return path
        } catch {
            print("cannot write the benchmark music: \(error)")
            return nil
        }
    }
}
