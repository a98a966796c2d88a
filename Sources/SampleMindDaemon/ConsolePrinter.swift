import SampleMindOutputs
import Foundation
import SampleMindEngine
import SampleMindProtocol

/// Prints every event and the first frame of each second of stream time.
struct ConsolePrinter {
    private var nextFrameSecond = 0.0

    mutating func drain(_ queue: OutputQueue) {
        while let output = queue.pop() {
            switch output {
            case .frame(let frame, let wall):
                guard frame.timeSeconds >= nextFrameSecond else { continue }
                nextFrameSecond = frame.timeSeconds.rounded(.down) + 1
                Self.write(FrameJSON.encode(frame, wallClockSeconds: wall))
            case .event(let event, let wall):
                Self.write(EventJSON.encode(event, wallClockSeconds: wall))
            case .session(let t, let rate, let channels, let wall, _):
                Self.write(EventJSON.session(timeSeconds: t, sampleRate: rate, channelCount: channels, wallClockSeconds: wall))
            case .discontinuity(let t, let gap, let wall):
                Self.write(EventJSON.discontinuity(timeSeconds: t, gapSeconds: gap, wallClockSeconds: wall))
            }
        }
    }

    private static func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
