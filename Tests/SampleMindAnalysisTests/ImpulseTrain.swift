/// A synthetic onset detection function with exact truth, for feeding a tracker without the
/// analyzer in front of it: unit impulses every `periodFrames` frames from frame 10 (each on the
/// nearest whole frame), zero elsewhere.
struct ImpulseTrain {
    let periodFrames: Double
    /// The frames that hold an impulse, in order.
    let impulseFrames: [Int]
    /// The function's value at every frame.
    let values: [Float]

    init(bpm: Double, frameRate: Double, seconds: Double) {
        let period = 60 * frameRate / bpm, frameCount = Int(seconds * frameRate), first = 10
        let count = Int((Double(frameCount - first) / period).rounded(.up))
        periodFrames = period
        impulseFrames = (0..<count).map { first + Int((Double($0) * period).rounded()) }.filter { $0 < frameCount }
        var values = [Float](repeating: 0, count: frameCount)
        for frame in impulseFrames { values[frame] = 1 }
        self.values = values
    }

    /// Whether `frame` holds an impulse.
    func isImpulse(_ frame: Int) -> Bool { values.indices.contains(frame) && values[frame] > 0 }
}
