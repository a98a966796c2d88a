import SampleMindOutputs
import Glibc
import SampleMindRealtime
import Synchronization

/// Turns the tracker's beat predictions into the MIDI clock's beat grid: on its own thread, fed
/// by its own engine queue, it maps each frame's predicted next beat from stream time to the
/// input session's sample frames (minus the lead) and publishes it for the JACK callback, which
/// writes the pulses. The clock starts once the tempo has held within 3 % for two seconds (so a
/// sequencer is not started on a first guess); with no tempo the grid stops, and so does the clock.
public final class MIDIClockDriver: @unchecked Sendable {
    private let schedule: ClockSchedule
    private let queue: OutputQueue
    private let leadSeconds: Double
    private let worker = WorkerThread()

    // Driver-thread state.
    private var session = 0
    private var sessionStart = 0.0
    private var sampleRate = 0.0
    private var steadySince: Double?
    private var steadyBPM: Float = 0
    private var running = false
    static let steadySeconds = 2.0
    static let steadyTolerance: Float = 0.03

    public init(schedule: ClockSchedule, queue: OutputQueue, leadMilliseconds: Int) {
        self.schedule = schedule
        self.queue = queue
        leadSeconds = Double(leadMilliseconds) / 1000
    }

    public func start() {
        worker.start { [self] in run() }
    }

    public func stop() {
        worker.stop(waking: queue.wake)
    }

    private func run() {
        while !worker.isStopping {
            var latest: ClockSchedule.Plan?
            while let output = queue.pop() {
                if let plan = plan(for: output) { latest = plan }
            }
            if let latest { schedule.publish(latest) }
            _ = queue.wake.wait(timeout: 0.1)
        }
    }

    /// The grid an output implies, if it implies one.
    func plan(for output: EngineOutput) -> ClockSchedule.Plan? {
        switch output {
        case .session(let t, let rate, _, _, let number):
            session = number
            sessionStart = t
            sampleRate = rate
            running = false
            steadySince = nil
            return ClockSchedule.Plan(session: session, running: false, anchorFrame: 0, framesPerBeat: 0, anchorBarPosition: 1, beatsPerBar: 4)
        case .frame(let frame, _):
            guard session > 0, sampleRate > 0 else { return nil }
            guard frame.tempoBPM > 0, frame.nextBeatSeconds >= 0 else {
                running = false
                steadySince = nil
                return ClockSchedule.Plan(session: session, running: false, anchorFrame: 0, framesPerBeat: 0, anchorBarPosition: 1, beatsPerBar: 4)
            }
            if !running {
                if steadySince == nil || abs(frame.tempoBPM - steadyBPM) > Self.steadyTolerance * steadyBPM {
                    steadySince = frame.timeSeconds
                    steadyBPM = frame.tempoBPM
                }
                guard let since = steadySince, frame.timeSeconds - since >= Self.steadySeconds || frame.tempoLocked else { return nil }
                running = true
            }
            return ClockSchedule.Plan(session: session, running: true,
                                      anchorFrame: (frame.nextBeatSeconds - sessionStart - leadSeconds) * sampleRate,
                                      framesPerBeat: 60 * sampleRate / Double(frame.tempoBPM),
                                      anchorBarPosition: Int(frame.nextBeatBarPosition), beatsPerBar: Int(frame.beatsPerBar))
        case .event, .discontinuity:
            return nil
        }
    }
}
