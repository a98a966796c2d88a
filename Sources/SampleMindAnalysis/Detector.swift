/// What turns each hop's spectrum into onsets, beats and downbeats.
public enum Detector: String, Sendable, CaseIterable {
    /// The trained causal network (``NetworkDetector``), where its weights and the input allow.
    case network
    /// Hand-made signal processing: SuperFlux onsets, the comb-filter tempo tracker, cumulative-score beats.
    case dsp
}

/// What gives beats, bars, tempo and meter while the network detector runs.
public enum BeatDecoder: String, Sendable, CaseIterable {
    /// ``BarPointerDecoder``: forward filtering over tempo × position in the bar × meter, on the
    /// network's beat and downbeat activations.
    case barPointer = "bar-pointer"
    /// The DSP detectors' comb-filter tempo tracker and cumulative-score beat tracker, fed the
    /// network's activations instead of the onset function (for comparison).
    case cumulativeScore = "cumulative-score"
    /// The DSP detectors' trackers on their own onset function, exactly as with `dsp`: the
    /// network gives the onsets only, and its beat and downbeat activations are not used.
    case onsetFunction = "onset-function"
}

extension BeatDecoder {
    /// The choices as options and messages list them: the default first.
    public static let shownOrder: [BeatDecoder] = [.onsetFunction, .barPointer, .cumulativeScore]

    /// The choices as an error message lists them: "onset-function, bar-pointer or cumulative-score".
    public static var choices: String {
        let names = shownOrder.map(\.rawValue)
        return "\(names.dropLast().joined(separator: ", ")) or \(names.last ?? "")"
    }
}
