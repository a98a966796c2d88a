/// SampleMind's own demo music: a drum groove over a chord progression that moves from A minor to
/// C major halfway, with a tempo change, so every tracker has something to show. Generated, so it
/// ships with no licence question.
public enum DemoSong {
    public static let sampleRate = 48_000.0

    /// About `seconds` long (two halves), mono.
    public static func make(seconds: Double = 60, sampleRate: Double = DemoSong.sampleRate) -> Signal {
        let half = seconds / 2
        let first = Percussion.drumPattern(bpm: 112, seconds: half, sampleRate: sampleRate, amplitude: 0.45)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: half, sampleRate: sampleRate, chordSeconds: 60.0 / 112 * 4))
        let second = Percussion.drumPattern(bpm: 124, seconds: half, sampleRate: sampleRate, amplitude: 0.45, startSeconds: 0)
            .mixed(with: Harmony.progression(tonic: 0, minor: false, seconds: half, sampleRate: sampleRate, chordSeconds: 60.0 / 124 * 4))
        return first.followed(by: second)
    }
}
