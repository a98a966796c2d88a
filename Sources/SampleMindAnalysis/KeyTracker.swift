import Glibc

/// Key estimation by correlating a smoothed pitch-class profile with the 24 rotations of a
/// published key profile (Krumhansl & Schmuckler's method; profiles in ``KeyProfile``).
///
/// The profile is averaged with exponential forgetting (time constant five seconds) over frames
/// that carry tonal energy. After one second of such frames the best key so far is shown as
/// provisional, its confidence scaled down; it is committed (and a key event emitted) after three
/// seconds. After that the key changes only when another key has correlated better by a margin
/// for four seconds (hysteresis), so a passing chord or the blend of two keys during a modulation
/// does not flip it: the hold is longer than the time the blend resembles a third key.
///
/// Algorithmic delay: half the chroma window plus the smoothing; a change is reported two
/// seconds after it has become clear.
final class KeyTracker {
    static let memorySeconds: Float = 5
    static let firstKeySeconds: Float = 3
    static let provisionalKeySeconds: Float = 1
    static let changeHoldSeconds: Float = 4
    static let changeMargin: Float = 0.04

    private let profiles: UnsafeMutableBufferPointer<Float>
    private let smoothed: UnsafeMutableBufferPointer<Float>
    private let decay: Float
    private let secondsPerUpdate: Float
    private var tonalSeconds: Float = 0
    private var challengerSeconds: Float = 0
    private var challenger = -1

    /// The committed key index (−1 while unknown) and its correlation with the profile.
    private(set) var keyIndex = -1
    private(set) var confidence: Float = 0
    /// The key to show: the committed one, or before it the best so far (−1 with too little music).
    private(set) var displayedKeyIndex = -1
    private(set) var displayedConfidence: Float = 0

    /// Not real-time safe: allocates.
    init(profile: KeyProfile, updatesPerSecond: Float) {
        profiles = .allocate(capacity: 24 * 12)
        for (modeOffset, weights) in [(0, profile.major), (12, profile.minor)] {
            let mean = weights.reduce(0, +) / 12
            let norm = sqrt(weights.reduce(0) { $0 + ($1 - mean) * ($1 - mean) })
            for tonic in 0..<12 {
                for pitchClass in 0..<12 {
                    let degree = (pitchClass - tonic + 12) % 12
                    profiles[(modeOffset + tonic) * 12 + pitchClass] = Float((weights[degree] - mean) / norm)
                }
            }
        }
        smoothed = .allocate(capacity: 12)
        smoothed.initialize(repeating: 0)
        secondsPerUpdate = 1 / updatesPerSecond
        decay = exp(-secondsPerUpdate / Self.memorySeconds)
    }

    deinit {
        profiles.deallocate()
        smoothed.deallocate()
    }

    /// Takes one pitch-class profile and its total magnitude; returns true when the reported key changed.
    /// Real-time safe: no allocation, locks or system calls.
    func process(chroma: UnsafeMutableBufferPointer<Float>, total: Float) -> Bool {
        guard total > 1e-4 else { return false }
        var peak: Float = 0
        for i in 0..<12 { peak = max(peak, chroma[i]) }
        for i in 0..<12 { smoothed[i] = smoothed[i] * decay + chroma[i] / peak }
        tonalSeconds += secondsPerUpdate

        var mean: Float = 0
        for i in 0..<12 { mean += smoothed[i] }
        mean /= 12
        var norm: Float = 0
        for i in 0..<12 { norm += (smoothed[i] - mean) * (smoothed[i] - mean) }
        norm = sqrt(norm)
        guard norm > 1e-9 else { return false }
        var best = 0, bestScore: Float = -2, currentScore: Float = -2
        for key in 0..<24 {
            var r: Float = 0
            for i in 0..<12 { r += profiles[key * 12 + i] * (smoothed[i] - mean) }
            r /= norm
            if r > bestScore {
                bestScore = r
                best = key
            }
            if key == keyIndex { currentScore = r }
        }
        if keyIndex < 0 {
            if tonalSeconds >= Self.provisionalKeySeconds {
                displayedKeyIndex = best
                displayedConfidence = max(0, bestScore) * tonalSeconds / Self.firstKeySeconds
            }
            guard tonalSeconds >= Self.firstKeySeconds else { return false }
            commit(best, score: bestScore)
            return true
        }
        confidence = max(0, currentScore)
        displayedConfidence = confidence
        guard best != keyIndex, bestScore - currentScore >= Self.changeMargin else {
            challenger = -1
            challengerSeconds = 0
            return false
        }
        if best != challenger {
            challenger = best
            challengerSeconds = 0
        }
        challengerSeconds += secondsPerUpdate
        guard challengerSeconds >= Self.changeHoldSeconds else { return false }
        commit(best, score: bestScore)
        challenger = -1
        challengerSeconds = 0
        return true
    }

    private func commit(_ key: Int, score: Float) {
        keyIndex = key
        confidence = max(0, score)
        displayedKeyIndex = key
        displayedConfidence = confidence
    }

}
