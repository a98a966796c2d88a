/// Online peaks of an activation function (a network's onset output, 0…1): a value is a peak
/// when it reaches `threshold`, is the largest of the last `preMax` hops, is not smaller than the
/// next hop's (one hop of look-ahead) and comes more than `combine` hops after the previous peak.
struct ActivationPeakPicker {
    /// The most hops `preMaxFrames` may look back (the history holds two more: the candidate and
    /// the newest value).
    static let maximumPreMaxFrames = 6

    let threshold: Float
    let preMaxFrames: Int
    let combineFrames: Int
    /// The last values, newest last; fixed capacity, so no allocation after init.
    private var recent: InlineArray<8, Float> = .init(repeating: 0)
    private var count = 0
    private var framesSincePeak = Int.max / 2

    /// Throws for a threshold outside 0 < t ≤ 1, a look-back outside 1…6 or a negative combine width.
    init(threshold: Float, preMaxFrames: Int, combineFrames: Int) throws(AnalysisError) {
        guard threshold > 0, threshold <= 1 else {
            throw .invalidConfiguration("an activation peak threshold must be above 0 and at most 1, not \(threshold)")
        }
        guard (1...Self.maximumPreMaxFrames).contains(preMaxFrames) else {
            throw .invalidConfiguration(
                "an activation peak looks back 1 to \(Self.maximumPreMaxFrames) hops, not \(preMaxFrames)")
        }
        guard combineFrames >= 0 else {
            throw .invalidConfiguration("activation peaks cannot be combined over \(combineFrames) hops")
        }
        self.threshold = threshold
        self.preMaxFrames = preMaxFrames
        self.combineFrames = combineFrames
    }

    /// Takes the newest value; returns the value one hop back when that hop was a peak.
    /// Real-time safe: no allocation, locks or system calls.
    mutating func process(_ newest: Float) -> Float? {
        for i in 0..<7 { recent[i] = recent[i + 1] }
        recent[7] = newest
        count += 1
        framesSincePeak += 1
        guard count > preMaxFrames + 1 else { return nil }
        let candidate = recent[6]
        guard candidate >= threshold, candidate >= newest else { return nil }
        for back in 1...preMaxFrames where recent[6 - back] > candidate { return nil }
        guard framesSincePeak > combineFrames else { return nil }
        framesSincePeak = 0
        return candidate
    }
}
