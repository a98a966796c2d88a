import CLibFuzzer
import Glibc
import SampleMindAnalysis
import SampleMindProtocol
import SampleMindStreaming

/// One WebSocket text message from a client (subscribe, ping or a stage control). Any bytes must
/// give a message or a refusal, never a trap or a hang, and what is accepted must lie within the
/// ranges the daemon relies on.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch ClientMessage.parse(bytes) {
    case .success(.subscribe(let subscription)):
        guard Subscription.frameRates.contains(subscription.maximumFramesPerSecond) else {
            fatalError("subscription accepted with max_fps \(subscription.maximumFramesPerSecond)")
        }
    case .success(.ping(let id)):
        guard (id?.count ?? 0) <= 64 else { fatalError("ping accepted with an id of \(id?.count ?? 0) characters") }
    case .success(.control(let control)):
        if case .meter(let beats) = control, !StageControl.meterRange.contains(beats) {
            fatalError("meter control accepted with \(beats) beats per bar")
        }
    case .failure(let refusal):
        guard !refusal.code.isEmpty, !refusal.message.isEmpty else { fatalError("refusal without a code or a message") }
    }
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzz))
