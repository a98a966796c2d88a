import Foundation
import SampleMindLink

// An independent Ableton Link peer for tests and benchmarks (Ableton's library, like any Link
// app): joins the session, optionally proposes a tempo, and prints twenty times a second
// "unix_seconds link_micros peers tempo beat" (beat for quantum 4), the clocks read back to back.
//
//   samplemind-link-peer [--seconds S] [--tempo BPM] [--tempo-after S]

var seconds = 30.0
var proposedTempo: Double?
var proposeAfter = 0.0
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst().flatMap(Double.init), value.isFinite else {
        FileHandle.standardError.write("samplemind-link-peer: \(flag) needs a number\n".data(using: .utf8)!)
        exit(2)
    }
    switch flag {
    case "--seconds": seconds = value
    case "--tempo": proposedTempo = value
    case "--tempo-after": proposeAfter = value
    default:
        FileHandle.standardError.write("samplemind-link-peer: unknown option \(flag)\n".data(using: .utf8)!)
        exit(2)
    }
}
let peer: LinkPeer
do { peer = try LinkPeer(bpm: proposedTempo ?? 100) } catch {
    FileHandle.standardError.write("samplemind-link-peer: \(error)\n".data(using: .utf8)!)
    exit(1)
}
peer.enable(true)
func say(_ line: String) { FileHandle.standardOutput.write((line + "\n").data(using: .utf8)!) }
say("ready")
let started = Date()
var proposed = false
while Date().timeIntervalSince(started) < seconds {
    if let proposedTempo, !proposed, Date().timeIntervalSince(started) >= proposeAfter {
        peer.setTempo(proposedTempo, atMicros: peer.clockMicros)
        proposed = true
    }
    let unix = Date().timeIntervalSince1970
    let micros = peer.clockMicros
    say(String(format: "%.6f %lld %d %.4f %.5f", unix, micros, peer.peerCount, peer.tempoBPM, peer.beat(atMicros: micros, quantum: 4)))
    usleep(50_000)
}
