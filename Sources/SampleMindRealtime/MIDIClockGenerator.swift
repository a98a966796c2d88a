/// MIDI clock (24 pulses per quarter note) following a beat grid, period by period, in the audio
/// callback. Real-time safe: no allocation, locks or system calls.
///
/// The clock starts (Song Position, then Start the first time and Continue after a stop) on a
/// downbeat of the grid, so a sequencer's bars line up with the music's. From then on a phase-locked
/// loop steers the pulse spacing: each pulse compares its place with where the grid says it should
/// be and spreads the correction over the next beat, and the spacing changes by at most 0.5 %
/// per pulse, so a tempo change is glided over, never jumped. A grid that stops running (the beat
/// was lost) sends Stop.
public struct MIDIClockGenerator: Sendable {
    public enum Message: Sendable, Equatable {
        case clock, start, stop, `continue`
        /// Song Position Pointer, in sixteenth notes (6 pulses) since the start.
        case songPosition(Int)

        /// The MIDI bytes: one, or three for Song Position.
        public var bytes: (UInt8, UInt8, UInt8, count: Int) {
            switch self {
            case .clock: (0xF8, 0, 0, 1)
            case .start: (0xFA, 0, 0, 1)
            case .continue: (0xFB, 0, 0, 1)
            case .stop: (0xFC, 0, 0, 1)
            case .songPosition(let sixteenths):
                (0xF2, UInt8(sixteenths & 0x7F), UInt8((sixteenths >> 7) & 0x7F), 3)
            }
        }
    }

    public static let pulsesPerBeat = 24
    /// The phase error is corrected over this many pulses (one beat).
    static let correctionPulses = 24.0
    /// The most the pulse spacing may change from one pulse to the next.
    static let maximumSlew = 0.005

    public private(set) var running = false
    private var session = 0
    private var everStarted = false
    /// The next pulse's session frame, and the frames between pulses (both fractional).
    private var nextPulse = 0.0
    private var pulsePeriod = 0.0
    /// Pulses since Start (Song Position counts sixteenths of these).
    public private(set) var pulseCount = 0
    /// The latest phase error, in beats (for measurements).
    public private(set) var phaseErrorBeats = 0.0

    public init() {}

    /// Emits this period's messages: `periodStart` is the session frame of the period's first
    /// frame, `frames` its length; `emit(offset, message)` gets each message's frame offset.
    public mutating func render(periodStart: Int, frames: Int, plan: ClockSchedule.Plan?, emit: (Int, Message) -> Void) {
        guard let plan, plan.running, plan.framesPerBeat > 0, plan.session >= session else {
            if running {
                emit(0, .stop)
                running = false
            }
            return
        }
        if plan.session != session {
            session = plan.session
            if running {
                emit(0, .stop)
                running = false
            }
        }
        let start = Double(periodStart), end = Double(periodStart + frames)
        let targetPeriod = plan.framesPerBeat / Double(Self.pulsesPerBeat)
        if !running {
            // (Re)start on the next downbeat of the grid.
            let bar = max(1, plan.beatsPerBar)
            var beat = ((start - plan.anchorFrame) / plan.framesPerBeat).rounded(.up)
            let position = ((plan.anchorBarPosition - 1 + Int(beat)) % bar + bar) % bar
            if position != 0 { beat += Double(bar - position) }
            let downbeat = plan.anchorFrame + beat * plan.framesPerBeat
            guard downbeat < end else { return }
            let barPulses = Self.pulsesPerBeat * bar
            pulseCount = everStarted ? (pulseCount + barPulses - 1) / barPulses * barPulses : 0
            let offset = max(0, Int(downbeat - start))
            emit(offset, .songPosition(pulseCount / 6))
            emit(offset, everStarted ? .continue : .start)
            everStarted = true
            running = true
            nextPulse = downbeat
            pulsePeriod = targetPeriod
        }
        while nextPulse < end {
            emit(max(0, Int(nextPulse - start)), .clock)
            // Where this pulse fell on the grid, against where it should (its place in its beat).
            let onGrid = (nextPulse - plan.anchorFrame) / plan.framesPerBeat
            let intended = Double(pulseCount % Self.pulsesPerBeat) / Double(Self.pulsesPerBeat)
            var error = (onGrid - intended).truncatingRemainder(dividingBy: 1)
            if error >= 0.5 { error -= 1 } else if error < -0.5 { error += 1 }
            phaseErrorBeats = error
            pulseCount += 1
            let wanted = targetPeriod * (1 - error * Double(Self.pulsesPerBeat) / Self.correctionPulses)
            let limit = pulsePeriod * Self.maximumSlew
            pulsePeriod = min(max(wanted, pulsePeriod - limit), pulsePeriod + limit)
            nextPulse += pulsePeriod
        }
    }
}
