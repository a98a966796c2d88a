import Glibc

/// Key estimation from the averaged pitch-class profiles of ``KeyInput``: by correlating the
/// profile with the 24 rotations of a published key profile (Krumhansl & Schmuckler's method;
/// profiles in ``KeyProfile``), or by the trained ``KeyClassifier``, which also reads the bass
/// and tells relative and parallel keys apart better.
///
/// Scores are updated over frames that carry tonal energy. After one second of such frames the best key so far is shown as
/// provisional, its confidence scaled down; it is committed (and a key event emitted) after three
/// seconds. After that the key changes only when another key has correlated better by a margin
/// for four seconds (hysteresis), so a passing chord or the blend of two keys during a modulation
/// does not flip it: the hold is longer than the time the blend resembles a third key.
///
/// Algorithmic delay: half the chroma window plus the smoothing; a change is reported four
/// seconds after it has become clear. Key events carry the estimated time of the change itself.
final class KeyTracker {
    static let firstKeySeconds: Float = 3
    static let provisionalKeySeconds: Float = 1
    static let changeHoldSeconds: Float = 4
    /// The correlation by which another key must beat the shown one to challenge it (profiles).
    static let correlationChangeMargin: Float = 0.04

    private let profiles: UnsafeMutableBufferPointer<Float>
    private let classifier: KeyClassifier?
    private let changeMargin: Float
    private let secondsPerUpdate: Float
    private var tonalSeconds: Float = 0
    private var challengerSeconds: Float = 0
    /// Every key's correlation at each of the last `lookbackSeconds` of updates (a ring), to
    /// locate a change in time once it is confirmed.
    static let lookbackSeconds: Float = 15
    private let scoreHistory: UnsafeMutableBufferPointer<Float>
    private let historyLength: Int
    private var historyHead = 0
    private var historyFilled = 0
    private var challenger = -1

    /// The committed key index (−1 while unknown) and its correlation with the profile.
    private(set) var keyIndex = -1
    private(set) var confidence: Float = 0
    /// How long before the latest change the music most likely changed key (zero for the first key).
    private(set) var changeLagSeconds: Float = 0
    /// The key to show: the committed one, or before it the best so far (−1 with too little music).
    private(set) var displayedKeyIndex = -1
    private(set) var displayedConfidence: Float = 0
    /// The key that correlates best after the displayed one (−1 while none is displayed), and the
    /// displayed key's correlation minus its: small when the music sits between two keys
    /// (relative keys share all their notes), negative while a challenger is being held off.
    private(set) var runnerUpKeyIndex = -1
    private(set) var margin: Float = 0

    /// Scores keys with `classifier` when given, else by correlation with `profile`.
    /// Not real-time safe: allocates.
    init(profile: KeyProfile, classifier: KeyModel? = nil, updatesPerSecond: Float) {
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
        self.classifier = classifier.map(KeyClassifier.init)
        changeMargin = classifier?.changeMargin ?? Self.correlationChangeMargin
        historyLength = Int(Self.lookbackSeconds * updatesPerSecond)
        scoreHistory = .allocate(capacity: historyLength * 24)
        scoreHistory.initialize(repeating: 0)
        secondsPerUpdate = 1 / updatesPerSecond
    }

    deinit {
        profiles.deallocate()
        scoreHistory.deallocate()
    }

    /// Takes the input after an update that carried tonal energy; returns true when the reported
    /// key changed. Real-time safe: no allocation, locks or system calls.
    func process(_ input: KeyInput) -> Bool {
        tonalSeconds += secondsPerUpdate
        guard let (best, bestScore, currentScore) = match(input, scoring: keyIndex) else { return false }
        historyHead = (historyHead + 1) % historyLength
        historyFilled = min(historyFilled + 1, historyLength)
        defer { findRunnerUp() }
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
        guard best != keyIndex, bestScore - currentScore >= changeMargin else {
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
        changeLagSeconds = secondsSinceChangeBegan(to: best, from: keyIndex)
        commit(best, score: bestScore)
        challenger = -1
        challengerSeconds = 0
        return true
    }

    /// The best key other than the displayed one in the latest scores, and the margin. Real-time safe.
    private func findRunnerUp() {
        guard displayedKeyIndex >= 0 else { return }
        let row = historyHead * 24
        var runnerUp = -1
        var runnerUpScore: Float = -3
        for candidate in 0..<24 where candidate != displayedKeyIndex && scoreHistory[row + candidate] > runnerUpScore {
            runnerUp = candidate
            runnerUpScore = scoreHistory[row + candidate]
        }
        runnerUpKeyIndex = runnerUp
        margin = scoreHistory[row + displayedKeyIndex] - runnerUpScore
    }

    private func commit(_ key: Int, score: Float) {
        keyIndex = key
        confidence = max(0, score)
        displayedKeyIndex = key
        displayedConfidence = confidence
    }


    /// The best key for `input`, its score, and the score of `key` (−2 when key is −1); nil for
    /// a flat profile. Writes every key's score into the next row of the history. Real-time safe.
    private func match(_ input: KeyInput, scoring key: Int) -> (Int, Float, Float)? {
        let row = ((historyHead + 1) % historyLength) * 24
        if let classifier {
            classifier.score(input, into: scoreHistory.baseAddress! + row)
        } else if !correlate(input.chroma, into: row) {
            return nil
        }
        var best = 0, bestScore: Float = -2, keyScore: Float = -2
        for candidate in 0..<24 {
            let r = scoreHistory[row + candidate]
            if r > bestScore {
                bestScore = r
                best = candidate
            }
            if candidate == key { keyScore = r }
        }
        return (best, bestScore, keyScore)
    }

    /// Each key's Pearson correlation with `profile` into history row `row`; false for a flat
    /// profile. Real-time safe.
    private func correlate(_ profile: UnsafeMutableBufferPointer<Float>, into row: Int) -> Bool {
        var mean: Float = 0
        for i in 0..<12 { mean += profile[i] }
        mean /= 12
        var norm: Float = 0
        for i in 0..<12 { norm += (profile[i] - mean) * (profile[i] - mean) }
        norm = sqrt(norm)
        guard norm > 1e-9 else { return false }
        for candidate in 0..<24 {
            var r: Float = 0
            for i in 0..<12 { r += profiles[candidate * 12 + i] * (profile[i] - mean) }
            scoreHistory[row + candidate] = r / norm
        }
        return true
    }

    /// After a step from key `old` to key `new`, the smoothed profile moves towards `new`, so
    /// `new`'s advantage over `old` climbs from its low to where it is now. The change began where
    /// that climb began: the latest moment the advantage was within a tenth of the climb of its
    /// lowest (the usual 10 % rise-time point, which chord-to-chord wobble does not reach).
    /// Real-time safe.
    private func secondsSinceChangeBegan(to new: Int, from old: Int) -> Float {
        func advantage(_ back: Int) -> Float {
            let row = ((historyHead - back + historyLength) % historyLength) * 24
            return scoreHistory[row + new] - scoreHistory[row + old]
        }
        var lowest = Float.infinity
        for back in 0..<historyFilled { lowest = min(lowest, advantage(back)) }
        let threshold = lowest + 0.1 * (advantage(0) - lowest)
        var back = 0
        while back + 1 < historyFilled, advantage(back) > threshold { back += 1 }
        return Float(back) * secondsPerUpdate
    }
}
