/// Something that happened in the music. Times are stream seconds of the musical event itself;
/// it is reported up to the emitting tracker's algorithmic delay later (see ``TrackerDelays``).
public enum AnalysisEvent: Sendable, BitwiseCopyable, Equatable {
    case onset(timeSeconds: Double, strength: Float)
    /// `barPosition` counts from 1 (the downbeat) to the beats per bar.
    case beat(timeSeconds: Double, index: Int, barPosition: Int, tempoBPM: Float)
    case tempo(timeSeconds: Double, bpm: Float, confidence: Float)
    case key(timeSeconds: Double, key: MusicalKey, confidence: Float)

    public var timeSeconds: Double {
        switch self {
        case .onset(let t, _), .beat(let t, _, _, _), .tempo(let t, _, _), .key(let t, _, _): return t
        }
    }
}

/// The events one hop produced, in a fixed-capacity inline buffer (no allocation).
public struct EventList: Sendable, BitwiseCopyable, RandomAccessCollection {
    public static let capacity = 8
    private var storage = InlineArray<8, AnalysisEvent>(repeating: .onset(timeSeconds: 0, strength: 0))
    public private(set) var count = 0
    /// Events that did not fit (never expected: a hop yields at most one event per tracker).
    public private(set) var overflowCount = 0

    public init() {}

    @inline(__always)
    mutating func append(_ event: AnalysisEvent) {
        guard count < Self.capacity else {
            overflowCount += 1
            return
        }
        storage[count] = event
        count += 1
    }

    @inline(__always)
    mutating func removeAll() { count = 0 }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> AnalysisEvent {
        precondition(position < count, "event index out of range")
        return storage[position]
    }
}

/// How long after the musical event each tracker reports it, in seconds: the half window the
/// spectrum looks back over, plus the tracker's own look-ahead.
public struct TrackerDelays: Sendable, Equatable {
    public var onsetSeconds: Double
    public var beatSeconds: Double
    public var tempoSeconds: Double
    public var keySeconds: Double
    public var loudnessSeconds: Double

    /// The delays of an analyzer set up with `configuration`. The network places events at the
    /// centre of the window; the DSP onset detector 13 ms after it.
    public init(configuration: AnalyzerConfiguration) {
        let rate = configuration.sampleRate
        let halfWindow = Double(configuration.windowSize) / 2 / rate
        let hop = Double(configuration.hopSize) / rate
        let onsetOffset = configuration.effectiveDetector == .network ? 0 : Analyzer.onsetTimeOffsetSeconds
        let beatOffset = configuration.beatsFollowNetwork ? 0 : Analyzer.onsetTimeOffsetSeconds
        onsetSeconds = halfWindow + hop - onsetOffset
        beatSeconds = halfWindow - beatOffset
        tempoSeconds = halfWindow
        keySeconds = Double(configuration.windowSize * Analyzer.chromaWindowFactor) / 2 / rate
        loudnessSeconds = LoudnessMeter.blockSeconds * Double(LoudnessMeter.momentaryBlocks) / 2
    }
}

extension AnalysisEvent {
    /// The same event with its time moved by `seconds` (from analyzer time to stream time).
    public func shifted(by seconds: Double) -> AnalysisEvent {
        switch self {
        case .onset(let t, let strength): return .onset(timeSeconds: t + seconds, strength: strength)
        case .beat(let t, let index, let position, let bpm):
            return .beat(timeSeconds: t + seconds, index: index, barPosition: position, tempoBPM: bpm)
        case .tempo(let t, let bpm, let confidence): return .tempo(timeSeconds: t + seconds, bpm: bpm, confidence: confidence)
        case .key(let t, let key, let confidence): return .key(timeSeconds: t + seconds, key: key, confidence: confidence)
        }
    }
}
