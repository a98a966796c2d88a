import SampleMindOutputs
import Foundation
import SampleMindAnalysis

/// Cuts the engine's output into segments: at most `maximumSeconds` long, and earlier at musical
/// boundaries — a key change, a tempo change, the start or the end of silence, an interruption —
/// when the part before the boundary is at least `minimumSeconds` long (silence and interruptions
/// always cut). Key and tempo events are stamped with when the music changed, which is seconds
/// before they are reported; so a segment is only decided once `settleSeconds` of later music
/// have been heard, and stored that much later. Storage thread.
public struct Segmenter {
    public static let silenceDBFS: Float = -60
    /// Silence must last this long to count (a rest between notes does not).
    public static let silenceHoldSeconds = 1.0
    /// The longest a boundary is reported after it happened: a key change (held for 4 s after a
    /// 5 s smoothing lets it lead) comes latest.
    public static let settleSeconds = 10.0

    public let maximumSeconds: Double
    public let minimumSeconds: Double
    private var frames: [(frame: FeatureFrame, wall: Double)] = []
    private var onsets: [Double] = []
    private var beats: [Double] = []
    private var boundaries: [(time: Double, reason: Segment.CloseReason, forced: Bool)] = []
    private var silentSince: Double?
    private var inSilence = false
    /// The first key and the first tempo are not changes.
    private var heardKey = false
    private var heardTempo = false

    public init(maximumSeconds: Double = 10, minimumSeconds: Double = 2) {
        self.maximumSeconds = maximumSeconds
        self.minimumSeconds = minimumSeconds
    }

    /// Feeds one output; returns the segments now decided (usually none).
    public mutating func add(_ output: EngineOutput) -> [Segment] {
        switch output {
        case .frame(let frame, let wall):
            trackSilence(frame)
            frames.append((frame, wall))
            return decide(now: frame.timeSeconds)
        case .event(.onset(let t, _), _):
            onsets.append(t)
        case .event(.beat(let t, _, _, _), _):
            beats.append(t)
        case .event(.key(let t, _, _), _):
            if heardKey { mark(t, .keyChange) }
            heardKey = true
        case .event(.tempo(let t, let bpm, _), _) where bpm > 0:
            if heardTempo { mark(t, .tempoChange) }
            heardTempo = true
        case .event(.tempo, _):
            break
        case .discontinuity(let t, _, _), .session(let t, _, _, _, _):
            mark(t, .discontinuity, forced: true)
        }
        return []
    }

    /// Decides everything still open (at shutdown), the last segment closing for `shutdown`.
    public mutating func finish() -> [Segment] {
        var decided = decide(now: .infinity)
        if !frames.isEmpty {
            decided.append(Self.summarise(frames, onsets: onsets, beats: beats, reason: .shutdown))
            frames = []
        }
        return decided
    }

    private mutating func mark(_ time: Double, _ reason: Segment.CloseReason, forced: Bool = false) {
        boundaries.append((time, reason, forced))
        boundaries.sort { $0.time < $1.time }
    }

    private mutating func trackSilence(_ frame: FeatureFrame) {
        if frame.rmsDBFS < Self.silenceDBFS {
            if silentSince == nil { silentSince = frame.timeSeconds }
            if !inSilence, let since = silentSince, frame.timeSeconds - since >= Self.silenceHoldSeconds {
                inSilence = true
                mark(since, .silenceStart, forced: true)
            }
        } else {
            silentSince = nil
            if inSilence {
                inSilence = false
                mark(frame.timeSeconds, .silenceEnd, forced: true)
            }
        }
    }

    /// Closes every segment whose end is settled: at the first usable boundary, or at the maximum length.
    private mutating func decide(now: Double) -> [Segment] {
        var decided: [Segment] = []
        while let first = frames.first {
            let start = first.frame.timeSeconds
            boundaries.removeAll { $0.time <= start }
            let boundary = boundaries.first { $0.forced || $0.time - start >= minimumSeconds }
            let end: Double, reason: Segment.CloseReason
            if let boundary, boundary.time < start + maximumSeconds {
                (end, reason) = (boundary.time, boundary.reason)
            } else {
                (end, reason) = (start + maximumSeconds, .maximumLength)
            }
            guard end <= now - (now.isInfinite ? 0 : Self.settleSeconds), let last = frames.last, last.frame.timeSeconds >= end else { break }
            let cut = frames.firstIndex { $0.frame.timeSeconds >= end } ?? frames.count
            guard cut > 0 else { break }
            decided.append(Self.summarise(Array(frames[..<cut]), onsets: onsets.filter { $0 < end },
                                          beats: beats.filter { $0 < end }, reason: reason))
            frames.removeFirst(cut)
            onsets.removeAll { $0 < end }
            beats.removeAll { $0 < end }
        }
        return decided
    }

    static func summarise(_ frames: [(frame: FeatureFrame, wall: Double)], onsets: [Double], beats: [Double],
                          reason: Segment.CloseReason) -> Segment {
        let n = Double(frames.count)
        var tempoWeight = 0.0, tempoSum = 0.0, keyConfidence = 0.0
        var keyTime: [Int: Double] = [:]
        var momentaryEnergy = 0.0, momentaryCount = 0
        var shortTerm: [Double] = []
        var peak: Float = -200, centroid = 0.0, rolloff = 0.0, flatness = 0.0
        var chroma = [Double](repeating: 0, count: 12), mfcc = [Double](repeating: 0, count: 13)
        for (frame, _) in frames {
            if frame.tempoBPM > 0 {
                tempoWeight += Double(frame.tempoConfidence)
                tempoSum += Double(frame.tempoBPM * frame.tempoConfidence)
            }
            if frame.keyIndex >= 0 {
                keyTime[Int(frame.keyIndex), default: 0] += Double(frame.keyConfidence)
                keyConfidence += Double(frame.keyConfidence)
            }
            // EBU R 128's absolute gate: blocks below −70 LUFS do not count.
            if frame.momentaryLUFS > -70 {
                momentaryEnergy += pow(10, (Double(frame.momentaryLUFS) + 0.691) / 10)
                momentaryCount += 1
            }
            if frame.shortTermLUFS > -70 { shortTerm.append(Double(frame.shortTermLUFS)) }
            peak = max(peak, frame.peakDBFS)
            centroid += Double(frame.centroidHz)
            rolloff += Double(frame.rolloffHz)
            flatness += Double(frame.flatness)
            for i in 0..<12 { chroma[i] += Double(frame.chroma[i]) }
            for i in 0..<13 { mfcc[i] += Double(frame.mfcc[i]) }
        }
        shortTerm.sort()
        func percentile(_ p: Double) -> Double { shortTerm[Int(p * Double(shortTerm.count - 1))] }
        let first = frames[0], last = frames[frames.count - 1]
        let duration = max(0.01, last.frame.timeSeconds - first.frame.timeSeconds)
        return Segment(
            startSeconds: first.frame.timeSeconds, endSeconds: last.frame.timeSeconds,
            startWallClock: first.wall, endWallClock: last.wall,
            tempoBPM: tempoWeight > 0 ? tempoSum / tempoWeight : nil, tempoConfidence: tempoWeight / n,
            beatCount: beats.count, key: keyTime.max { $0.value < $1.value }.map { MusicalKey(index: $0.key).description },
            keyConfidence: keyConfidence / n,
            loudnessLUFS: momentaryCount > 0 ? -0.691 + 10 * log10(momentaryEnergy / Double(momentaryCount)) : nil,
            // The spread of short-term loudness from the 10th to the 95th percentile (after EBU Tech 3342).
            loudnessRangeLU: shortTerm.count >= 2 ? percentile(0.95) - percentile(0.10) : nil,
            peakDBFS: Double(peak), onsetRate: Double(onsets.count) / duration,
            centroidHz: centroid / n, rolloffHz: rolloff / n, flatness: flatness / n,
            chroma: chroma.map { Float($0 / n) }, mfcc: mfcc.map { Float($0 / n) }, closeReason: reason)
    }
}
