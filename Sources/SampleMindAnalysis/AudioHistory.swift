/// The most recent `length` samples of each channel, oldest first, updated one hop at a time.
/// Not real-time safe to create; ``append(interleaved:frameCount:)`` is real-time safe.
struct AudioHistory: ~Copyable {
    let length: Int
    let channelCount: Int
    private let samples: UnsafeMutableBufferPointer<Float>

    init(length: Int, channelCount: Int) {
        self.length = length
        self.channelCount = channelCount
        samples = .allocate(capacity: length * channelCount)
        samples.initialize(repeating: 0)
    }

    deinit { samples.deallocate() }

    /// Shifts the history left by `frameCount` and appends the block's samples (interleaved by channel).
    /// Real-time safe: no allocation, locks or system calls.
    @inline(__always)
    func append(interleaved block: UnsafeBufferPointer<Float>, frameCount: Int) {
        let keep = length - frameCount
        for channel in 0..<channelCount {
            let base = samples.baseAddress! + channel * length
            base.update(from: base + frameCount, count: keep)
            let tail = base + keep
            var source = channel
            for i in 0..<frameCount {
                tail[i] = block[source]
                source += channelCount
            }
        }
    }

    /// The last `count` samples of `channel`, oldest first.
    @inline(__always)
    func latest(_ count: Int, channel: Int) -> UnsafePointer<Float> {
        UnsafePointer(samples.baseAddress! + channel * length + (length - count))
    }
}
