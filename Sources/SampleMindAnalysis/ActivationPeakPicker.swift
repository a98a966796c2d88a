/// Online peaks of an activation function (a network's onset output, 0…1): a value is a peak
/// when it reaches `threshold`, is the largest of the last `preMax` hops, is not smaller than the
/// next hop's (one hop of look-ahead) and comes at least `combine` hops after the previous peak.
struct ActivationPeakPicker {
    let threshold: Float
    let preMaxFrames: Int
    let combineFrames: Int
    /// The last values, newest last; fixed capacity, so no allocation after init.
    private var recent: InlineArray<8, Float> = .init(repeating: 0)
    private var count = 0
    private var framesSincePeak = Int.max / 2

    init(threshold: Float, preMaxFrames: Int, combineFrames: Int) {
        self.threshold = threshold
        self.preMaxFrames = min(max(1, preMaxFrames), 6)
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
