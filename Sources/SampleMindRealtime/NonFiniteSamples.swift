extension UnsafeMutableBufferPointer where Element == Float {
    /// Replaces every sample that is NaN or infinite with 0 and returns how many there were.
    ///
    /// One such sample would stay in a recursive filter's state for good (libebur128's K-weighting
    /// filter, for one), so they are replaced where audio enters: in the capture channel and after
    /// reading a file. The loop does not branch on the samples, so its cost does not depend on the audio.
    /// Real-time safe: no allocation, locks or system calls.
    public func replaceNonFiniteWithZero() -> Int {
        var replaced = 0
        for index in indices {
            let sample = self[index]
            let nonFinite = !sample.isFinite
            self[index] = nonFinite ? 0 : sample
            replaced += nonFinite ? 1 : 0
        }
        return replaced
    }
}
