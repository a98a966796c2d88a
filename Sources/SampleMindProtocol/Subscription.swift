/// What a client asked for with `subscribe`, after validation; a client that never subscribes
/// gets the defaults.
public struct Subscription: Sendable, Equatable {
    public static let frameRates: ClosedRange<Double> = 1...120
    public static let defaultFramesPerSecond = 30.0
    public var features: Set<Feature> = Feature.defaults
    public var maximumFramesPerSecond = Subscription.defaultFramesPerSecond
    /// Spectrum as binary Float32 messages instead of a JSON array.
    public var binarySpectrum = false

    public init() {}
}
