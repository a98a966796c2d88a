import CLibFuzzer
import Glibc
import SampleMindAnalysis
import SampleMindPerformance

/// One UDP datagram to the OSC control listener, cut to the listener's receive limit as its socket
/// cuts it. Any bytes must give a control or a refusal, never a trap or a hang, and an accepted
/// meter must be one the analyzer takes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let limit = OSCControlListener.maximumMessageBytes
    let bytes = Array(UnsafeBufferPointer(start: data, count: min(size, limit)))
    switch OSCControlListener.parse(bytes, truncated: size > limit) {
    case .success(let control):
        if case .meter(let beats) = control, !StageControl.meterRange.contains(beats) {
            fatalError("meter control accepted with \(beats) beats per bar")
        }
    case .failure(let refusal):
        guard !refusal.message.isEmpty else { fatalError("refusal without a message") }
    }
    return 0
}

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzz))
