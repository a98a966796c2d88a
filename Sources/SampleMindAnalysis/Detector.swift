/// What turns each hop's spectrum into onsets, beats and downbeats.
public enum Detector: String, Sendable, CaseIterable {
    /// The trained causal network (``NetworkDetector``), where its weights and the input allow.
    case network
    /// Hand-made signal processing: SuperFlux onsets, the comb-filter tempo tracker, cumulative-score beats.
    case dsp
}

/// What follows the network's beat and downbeat activations to beats, bars, tempo and meter.
public enum BeatDecoder: String, Sendable, CaseIterable {
    /// ``BarPointerDecoder``: forward filtering over tempo × position in the bar × meter.
    case barPointer = "bar-pointer"
    /// The DSP detectors' comb-filter tempo tracker and cumulative-score beat tracker, fed the
    /// network's activations instead of the onset function (for comparison).
    case cumulativeScore = "cumulative-score"
}
