import CLibFuzzer
import Glibc
import SampleMindProtocol
import SampleMindStorage

/// One MQTT segment message, as `samplemind collect` receives it from anyone who can publish to
/// the broker. Any bytes must give a segment or a refusal with a reason, never a trap or a hang.
/// An accepted segment must hold what the collector may store (finite numbers, its times in
/// order, the topic's room, a usable instance and source id, 0 or 12 chroma and 0 or 13 MFCC
/// values), and must survive being served and published again: its own segment message, as the
/// API encodes it, is accepted again with the same origin.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let payload = Array(UnsafeBufferPointer(start: data, count: size))
    switch SegmentMessage.parse(payload, room: "fuzz") {
    case .failure(let refusal):
        guard !refusal.description.isEmpty else { fatalError("a refusal without a reason") }
    case .success(let segment):
        let numbers = [segment.startSeconds, segment.endSeconds, segment.startWallClock, segment.endWallClock, segment.tempoConfidence,
                       segment.keyConfidence, segment.peakDBFS, segment.onsetRate, segment.centroidHz, segment.rolloffHz, segment.flatness]
            + [segment.tempoBPM, segment.loudnessLUFS, segment.loudnessRangeLU].compactMap { $0 }
        guard numbers.allSatisfy(\.isFinite), segment.chroma.allSatisfy(\.isFinite), segment.mfcc.allSatisfy(\.isFinite) else {
            fatalError("accepted a number that is not finite: \(segment)")
        }
        guard segment.endSeconds >= segment.startSeconds, segment.endWallClock >= segment.startWallClock, segment.beatCount >= 0,
              segment.room == "fuzz", let instance = segment.instance, !instance.isEmpty, let source = segment.sourceID, source >= 1,
              [0, 12].contains(segment.chroma.count), [0, 13].contains(segment.mfcc.count) else {
            fatalError("accepted a segment the collector must not store: \(segment)")
        }
        var served = segment
        served.id = source
        served.room = nil
        served.sourceID = nil
        guard case .success(let again) = SegmentMessage.parse(Array(SegmentJSON.event(served, detail: true).utf8), room: "fuzz") else {
            fatalError("its own message is refused: \(SegmentJSON.event(served, detail: true))")
        }
        guard again.instance == segment.instance, again.sourceID == segment.sourceID, again.key == segment.key,
              again.closeReason == segment.closeReason, again.beatCount == segment.beatCount else {
            fatalError("its own message reads back as another segment: \(segment) → \(again)")
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzz))
