import Glibc
import SampleMindCapture
import SampleMindSynthesis
import Synchronization

/// A JACK client for the onset-latency benchmark: it writes clicks to its output port, noting the
/// JACK time (µs, CLOCK_MONOTONIC_RAW) of each click's first sample, and notes the JACK time of
/// every MIDI note-on arriving at its MIDI input (aubio's onsets).
final class ClickClient: @unchecked Sendable {
    /// Most clicks noted, and most note-ons noted.
    static let maximumEvents = 4_096
    private let jack: JACKClient
    private let output: JACKClient.Port
    private let midiInput: JACKClient.Port
    let clickTimes = UnsafeMutablePointer<UInt64>.allocate(capacity: maximumEvents)
    let noteTimes = UnsafeMutablePointer<UInt64>.allocate(capacity: maximumEvents)
    let clickCount = Atomic<Int>(0)
    let noteCount = Atomic<Int>(0)
    private let clickSound: UnsafeMutablePointer<Float>
    private let clickLength: Int
    private let intervals: UnsafeMutablePointer<Int>
    private var nextClickFrame: UInt32 = 0
    private var clickPosition = Int.max
    let running = Atomic<Bool>(false)

    init?(name: String, sampleRate: Double) {
        guard let jack = JACKClient(name: name), let output = jack.register("out", .audioOutput),
              let midiInput = jack.register("midi_in", .midiInput) else { return nil }
        (self.jack, self.output, self.midiInput) = (jack, output, midiInput)
        let click = Percussion.clicks(bpm: 60, seconds: 0.6, sampleRate: sampleRate, beatsPerBar: 1000, startSeconds: 0)
        clickLength = Int(0.03 * sampleRate)
        clickSound = .allocate(capacity: clickLength)
        for i in 0..<clickLength { clickSound[i] = click.samples[i] }
        // Clicks 0.5–0.6 s apart, varied so that nothing can lock onto their phase.
        var random = SplitMix64(seed: 99)
        intervals = .allocate(capacity: Self.maximumEvents)
        for i in 0..<Self.maximumEvents { intervals[i] = Int(sampleRate * (0.5 + 0.1 * Double(random.nextSignedUnit() + 1) / 2)) }
        nextClickFrame = jack.frameTime &+ UInt32(sampleRate)
        guard jack.activate(process: clickProcess, context: Unmanaged.passUnretained(self).toOpaque()) else { return nil }
    }

    deinit {
        jack.close()
        clickTimes.deallocate()
        noteTimes.deallocate()
        clickSound.deallocate()
        intervals.deallocate()
    }

    func connect(_ source: String, _ destination: String) -> Bool { jack.connect(source, destination) }

    fileprivate func process(_ frames: UInt32) {
        let cycleStart = jack.lastFrameTime
        let out = jack.audioBuffer(output, frames: frames)
        let generating = running.load(ordering: .relaxed)
        for i in 0..<Int(frames) {
            let frame = cycleStart &+ UInt32(i)
            if generating, frame == nextClickFrame {
                let count = clickCount.load(ordering: .relaxed)
                if count < Self.maximumEvents {
                    clickTimes[count] = jack.microseconds(atFrame: frame)
                    nextClickFrame = frame &+ UInt32(intervals[count])
                    clickCount.store(count + 1, ordering: .releasing)
                    clickPosition = 0
                }
            } else if frame == nextClickFrame {
                nextClickFrame = frame &+ 24_000
            }
            out[i] = clickPosition < clickLength ? clickSound[clickPosition] : 0
            if clickPosition < clickLength { clickPosition += 1 }
        }
        jack.forEachMIDIEvent(midiInput, frames: frames) { time, data in
            guard data.count >= 3, data[0] & 0xF0 == 0x90, data[2] > 0 else { return }
            let count = noteCount.load(ordering: .relaxed)
            guard count < Self.maximumEvents else { return }
            noteTimes[count] = jack.microseconds(atFrame: cycleStart &+ time)
            noteCount.store(count + 1, ordering: .releasing)
        }
    }
}

private func clickProcess(_ frames: UInt32, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    Unmanaged<ClickClient>.fromOpaque(arg!).takeUnretainedValue().process(frames)
    return 0
}
