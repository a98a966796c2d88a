/// Published key profiles: how strongly each scale degree (from the tonic) belongs to a key.
public enum KeyProfile: String, Sendable, CaseIterable, BitwiseCopyable {
    /// Krumhansl & Kessler's probe-tone ratings (Krumhansl, "Cognitive Foundations of Musical Pitch", 1990).
    case krumhansl
    /// Temperley's profiles from the Kostka–Payne corpus (Temperley, "Music and Probability", 2007).
    case temperley

    /// Weights for degrees 0…11 above the tonic.
    public var major: [Double] {
        switch self {
        case .krumhansl: return [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
        case .temperley: return [0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400]
        }
    }

    public var minor: [Double] {
        switch self {
        case .krumhansl: return [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]
        case .temperley: return [0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330]
        }
    }
}
