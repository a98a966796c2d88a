import Glibc
@testable import SampleMindAnalysis
import SampleMindTestSupport
import XCTest

/// The decoder fed synthetic network activations with exact truth: a pulse of 1 on each beat frame
/// and 0.5 either side over a small noise floor, and the same in the downbeat activation on bar starts.
final class BarPointerDecoderTests: XCTestCase {
    static let frameRate = 100.0

    // MARK: Synthetic activations

    /// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a seeded generator, so every run is the same.
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform in 0..<1.
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    /// A stretch of music at one tempo and meter, starting on a downbeat.
    struct Segment {
        var seconds: Double
        var bpm: Double
        var beatsPerBar = 4
    }

    struct Activations {
        var beat: [Float] = []
        var downbeat: [Float] = []
        /// Every beat of the music (heard or not), with its position in the bar (1 = downbeat).
        var beats: [(frame: Int, barPosition: Int)] = []
        var frameCount: Int { beat.count }

        /// Music made of `segments` one after the other; `missing` is the share of beats left out,
        /// `spuriousPerSecond` the rate of full pulses at random frames.
        init(_ segments: [Segment], noise: Float = 0.03, missing: Double = 0, spuriousPerSecond: Double = 0, seed: UInt64 = 1) {
            var random = SplitMix64(state: seed)
            var start = 0.0
            for segment in segments {
                let frames = Int((segment.seconds * BarPointerDecoderTests.frameRate).rounded())
                let first = beat.count
                beat += (0..<frames).map { _ in Float(random.unit()) * noise }
                downbeat += (0..<frames).map { _ in Float(random.unit()) * noise }
                let period = 60 * BarPointerDecoderTests.frameRate / segment.bpm
                var n = 0
                while true {
                    let frame = first + Int((Double(n) * period).rounded())
                    guard frame < first + frames else { break }
                    let position = n % segment.beatsPerBar + 1
                    beats.append((frame, position))
                    if random.unit() >= missing {
                        pulse(&beat, at: frame)
                        if position == 1 { pulse(&downbeat, at: frame) }
                    }
                    n += 1
                }
                start += segment.seconds
            }
            let spurious = Int(spuriousPerSecond * Double(beat.count) / BarPointerDecoderTests.frameRate)
            for _ in 0..<spurious { pulse(&beat, at: Int(random.unit() * Double(beat.count))) }
        }

        /// Constant activations (silence, or a stuck network).
        init(constant value: Float, seconds: Double) {
            let frames = Int(seconds * BarPointerDecoderTests.frameRate)
            beat = [Float](repeating: value, count: frames)
            downbeat = [Float](repeating: value, count: frames)
        }

        /// These activations followed by `other`'s.
        func followed(by other: Activations) -> Activations {
            var joined = self
            joined.beat += other.beat
            joined.downbeat += other.downbeat
            joined.beats += other.beats.map { ($0.frame + frameCount, $0.barPosition) }
            return joined
        }

        /// The same with the downbeat activation replaced by noise: no bar information.
        func withoutDownbeats() -> Activations {
            var copy = self
            copy.downbeat = copy.downbeat.enumerated().map { Float(($0.offset * 7919) % 100) / 100 * 0.03 }
            return copy
        }

        private func pulse(_ values: inout [Float], at frame: Int) {
            for (offset, height) in [(-1, Float(0.5)), (0, 1), (1, 0.5)] where values.indices.contains(frame + offset) {
                values[frame + offset] = max(values[frame + offset], height)
            }
        }
    }

    /// What the decoder reported frame by frame.
    struct Run {
        var beats: [(frame: Int, beat: BarPointerDecoder.Beat)] = []
        var bpm: [Float] = []
        var beatsPerBar: [Int] = []
        var predictions: [(framesAhead: Int, index: Int, barPosition: Int)?] = []

        func beats(from frame: Int, to end: Int = .max) -> [(frame: Int, beat: BarPointerDecoder.Beat)] {
            beats.filter { $0.frame >= frame && $0.frame < end }
        }
    }

    /// Feeds `activations` from `first` to `end`, calling `control` before each frame.
    private func run(_ decoder: BarPointerDecoder, _ activations: Activations, into run: inout Run,
                     from first: Int = 0, to end: Int? = nil, control: (Int) -> Void = { _ in }) {
        for frame in first..<(end ?? activations.frameCount) {
            control(frame)
            if let beat = decoder.process(beat: activations.beat[frame], downbeat: activations.downbeat[frame]) {
                run.beats.append((frame, beat))
            }
            run.bpm.append(decoder.bpm)
            run.beatsPerBar.append(decoder.beatsPerBar)
            run.predictions.append(decoder.nextBeat())
        }
    }

    private func run(_ decoder: BarPointerDecoder, _ activations: Activations) -> Run {
        var result = Run()
        run(decoder, activations, into: &result)
        return result
    }

    /// The true beat nearest `frame`.
    private func nearestTruth(_ frame: Int, in activations: Activations) -> (frame: Int, barPosition: Int) {
        activations.beats.min { abs($0.frame - frame) < abs($1.frame - frame) }!
    }

    /// Share of reported beats whose bar position matches the truth's, and their largest timing error.
    private func barAccuracy(_ beats: [(frame: Int, beat: BarPointerDecoder.Beat)], _ activations: Activations) -> (share: Double, worstError: Int) {
        var right = 0, worst = 0
        for found in beats {
            let truth = nearestTruth(found.frame, in: activations)
            worst = max(worst, abs(truth.frame - found.frame))
            if truth.barPosition == found.beat.barPosition { right += 1 }
        }
        return (beats.isEmpty ? 0 : Double(right) / Double(beats.count), worst)
    }

    private func beatFMeasure(_ beats: [(frame: Int, beat: BarPointerDecoder.Beat)], _ activations: Activations, from frame: Int) -> Double {
        let detected = beats.filter { $0.frame >= frame }.map { Double($0.frame) / Self.frameRate }
        let truth = activations.beats.filter { $0.frame >= frame }.map { Double($0.frame) / Self.frameRate }
        return fMeasure(detected, truth, tolerance: 0.07)
    }

    private func decoder(preferredBeatsPerBar: Int = 4) throws -> BarPointerDecoder {
        try BarPointerDecoder(frameRate: Self.frameRate, preferredBeatsPerBar: preferredBeatsPerBar)
    }

    // MARK: Tracking

    func testInit_whenParametersAreWrong_throws() {
        XCTAssertThrowsError(try BarPointerDecoder(frameRate: 0))
        XCTAssertThrowsError(try BarPointerDecoder(frameRate: .nan))
        XCTAssertThrowsError(try BarPointerDecoder(frameRate: 100, meters: []))
        XCTAssertThrowsError(try BarPointerDecoder(frameRate: 100, meters: [3, 3, 4]))
        XCTAssertThrowsError(try BarPointerDecoder(frameRate: 100, meters: [0, 4]))
        XCTAssertThrowsError(try BarPointerDecoder(frameRate: 100, meters: [3, 17], preferredBeatsPerBar: 3))
        XCTAssertThrowsError(try BarPointerDecoder(frameRate: 100, meters: [3], preferredBeatsPerBar: 4))
        XCTAssertNoThrow(try BarPointerDecoder(frameRate: 50, meters: [2, 3, 4, 6], preferredBeatsPerBar: 6))
    }

    func testInit_atOneHundredFramesPerSecond_hasTheDocumentedStateSpace() throws {
        let space = try decoder().space
        XCTAssertEqual(space.tempoCount, 60)
        XCTAssertEqual(space.intervals[0], 28)
        XCTAssertEqual(space.intervals[space.tempoCount - 1], 109)
        XCTAssertLessThan(space.stateCount, 30_000)
        print("BarPointerDecoder: \(space.stateCount) states, \(space.tempoCount) tempos at 100 frames/s")
    }

    func testProcess_whenSteadyFourFour_beatsDownbeatsAndTempoAreRight() throws {
        let music = Activations([Segment(seconds: 20, bpm: 120)])
        let decoder = try decoder()
        let result = run(decoder, music)
        let late = result.beats(from: 300)
        let (share, worst) = barAccuracy(late, music)
        print("120 BPM 4/4: \(late.count) beats after 3 s, worst error \(worst) frames, bar positions right \(share)")
        XCTAssertGreaterThanOrEqual(late.count, 33)
        XCTAssertLessThanOrEqual(worst, 2)
        XCTAssertGreaterThanOrEqual(share, 0.9)
        XCTAssertGreaterThan(beatFMeasure(result.beats, music, from: 300), 0.99)
        for frame in 300..<music.frameCount {
            XCTAssertEqual(result.bpm[frame], 120, accuracy: 2.4, "frame \(frame)")
            XCTAssertEqual(result.beatsPerBar[frame], 4, "frame \(frame)")
        }
        XCTAssertEqual(late.map(\.beat.index), Array(late[0].beat.index..<(late[0].beat.index + late.count)), "indices count up")
    }

    func testProcess_whenWaltzButFourPreferred_findsThreeWithinSixSeconds() throws {
        let music = Activations([Segment(seconds: 20, bpm: 90, beatsPerBar: 3)])
        let decoder = try decoder(preferredBeatsPerBar: 4)
        let result = run(decoder, music)
        let settled = (result.beatsPerBar.lastIndex { $0 != 3 } ?? -1) + 1
        print("90 BPM 3/4: beatsPerBar 3 from \(Double(settled) / Self.frameRate) s")
        XCTAssertLessThanOrEqual(settled, 600)
        let (share, worst) = barAccuracy(result.beats(from: 600), music)
        print("90 BPM 3/4: bar positions right \(share) after 6 s, worst error \(worst) frames")
        XCTAssertGreaterThanOrEqual(share, 0.9)
        XCTAssertLessThanOrEqual(worst, 2)
    }

    func testProcess_whenTempoSteps_relocksWithinFourSeconds() throws {
        let music = Activations([Segment(seconds: 20, bpm: 120), Segment(seconds: 12, bpm: 140)])
        let result = run(try decoder(), music)
        let relock = relockSeconds(result, music, step: 2000, bpm: 140)
        print("120 → 140 BPM: re-locked \(relock) s after the step")
        XCTAssertLessThan(relock, 4)
        XCTAssertGreaterThan(beatFMeasure(result.beats, music, from: 2400), 0.99)
    }

    /// Seconds from `step` until the tempo stays within 4 % of `bpm` and every beat within three
    /// frames of the truth (beats in the last 0.3 s, whose true neighbour may lie past the end, aside).
    private func relockSeconds(_ result: Run, _ music: Activations, step: Int, bpm: Float) -> Double {
        var lastBad = step - 1
        for frame in step..<music.frameCount where abs(result.bpm[frame] - bpm) > 0.04 * bpm { lastBad = frame }
        for found in result.beats(from: step, to: music.frameCount - 30) where abs(nearestTruth(found.frame, in: music).frame - found.frame) > 3 {
            lastBad = max(lastBad, found.frame)
        }
        return Double(lastBad + 1 - step) / Self.frameRate
    }

    func testProcess_whenTempoStepsUpOrDownAtAnyTempo_relocksWithinFourSeconds() throws {
        var slowest = 0.0
        for bpm in [80.0, 100, 125, 150, 180] {
            for ratio in [1.1, 1.17, 0.85] {
                // The change comes on a bar line, as in a DJ's cut.
                let first = Segment(seconds: (20 * bpm / 240).rounded() * 240 / bpm, bpm: bpm)
                let music = Activations([first, Segment(seconds: 12, bpm: bpm * ratio)])
                let result = run(try decoder(), music)
                let step = Int((first.seconds * Self.frameRate).rounded()), target = Float(bpm * ratio)
                let seconds = relockSeconds(result, music, step: step, bpm: target)
                slowest = max(slowest, seconds)
                XCTAssertLessThan(seconds, 4, "\(bpm) → \(target) BPM")
            }
        }
        print("tempo steps of −15 %, +10 % and +17 % from 80 to 180 BPM: slowest re-lock \(slowest) s")
    }

    func testProcess_whenBeatsMissingAndSpuriousPulses_keepsTheBeatWithoutOctaveFlips() throws {
        for seed in UInt64(1)...6 {
            let music = Activations([Segment(seconds: 60, bpm: 100)], missing: 0.2, spuriousPerSecond: 0.5, seed: seed)
            let result = run(try decoder(), music)
            let fMeasure = beatFMeasure(result.beats, music, from: 500)
            let lock = result.bpm.firstIndex { $0 > 0 } ?? music.frameCount
            let off = result.bpm[lock...].filter { abs($0 - 100) > 4 }
            print("100 BPM, 20 % missing, spurious pulses (seed \(seed)): F-measure \(fMeasure) after 5 s, locked at \(Double(lock) / Self.frameRate) s, \(off.count) frames off tempo after, bpm \(result.bpm[lock...].min()!)…\(result.bpm[lock...].max()!)")
            XCTAssertGreaterThanOrEqual(fMeasure, 0.9, "seed \(seed)")
            XCTAssertLessThan(lock, 500, "seed \(seed)")
            XCTAssertEqual(off.count, 0, "seed \(seed): \(off.prefix(5))")
        }
    }

    func testProcess_whenFastOrSlowTempo_makesNoOctaveError() throws {
        for bpm in [170.0, 60] {
            let music = Activations([Segment(seconds: 20, bpm: bpm)])
            let result = run(try decoder(), music)
            let off = result.bpm[600...].filter { abs(Double($0) - bpm) > 0.04 * bpm }.count
            let fMeasure = beatFMeasure(result.beats, music, from: 600)
            print("\(bpm) BPM: \(off) frames off tempo after 6 s, last bpm \(result.bpm.last!), F-measure \(fMeasure)")
            XCTAssertEqual(off, 0, "\(bpm) BPM")
            XCTAssertGreaterThan(fMeasure, 0.95, "\(bpm) BPM")
        }
    }

    func testProcess_whenSilentOrStuck_reportsNothingThenLocksOnMusic() throws {
        let silence = Activations(constant: 0, seconds: 20), stuck = Activations(constant: 0.1, seconds: 20)
        let music = Activations([Segment(seconds: 10, bpm: 120)])
        let other = Activations([Segment(seconds: 10, bpm: 100, beatsPerBar: 3)]), gap = Activations(constant: 0, seconds: 10)
        // A different tempo and phase after a gap: nothing of the first music may linger.
        let whole = silence.followed(by: stuck).followed(by: music).followed(by: gap).followed(by: Activations(constant: 0, seconds: 0.37)).followed(by: other)
        let decoder = try decoder()
        let result = run(decoder, whole)
        for frame in 0..<4000 {
            XCTAssertEqual(result.bpm[frame], 0)
            XCTAssertNil(result.predictions[frame])
        }
        XCTAssertTrue(result.beats(from: 0, to: 4000).isEmpty)
        let gapStart = 5000, otherStart = 6037
        XCTAssertTrue(result.beats(from: gapStart + 300, to: otherStart).isEmpty, "nothing after 3 s of silence")
        XCTAssertEqual(result.bpm[otherStart - 1], 0)
        for (start, bpm) in [(4000, Float(120)), (otherStart, 100)] {
            let locked = result.bpm[start..<(start + 1000)].lastIndex { abs($0 - bpm) > 0.04 * bpm }.map { $0 + 1 - start } ?? 0
            let beats = result.beats(from: start + 300, to: start + 1000)
            let worst = beats.map { abs(nearestTruth($0.frame, in: whole).frame - $0.frame) }.max() ?? .max
            print("\(bpm) BPM after silence: tempo right from \(Double(locked) / Self.frameRate) s, worst beat error after 3 s \(worst) frames")
            XCTAssertLessThanOrEqual(locked, 300)
            XCTAssertLessThanOrEqual(worst, 2)
            XCTAssertGreaterThanOrEqual(beats.count, Int(7 * Double(bpm) / 60) - 1)
        }
    }

    // MARK: Stage controls

    func testMarkDownbeat_movesTheBarToTheMarkedBeatAndKeepsIt() throws {
        let music = Activations([Segment(seconds: 24, bpm: 120)])
        let decoder = try decoder()
        var result = Run()
        run(decoder, music, into: &result, to: 500)
        // Mark the third beat of a bar, ten frames after it was reported.
        var frame = 500
        while result.beats(from: 500).first(where: { $0.beat.barPosition == 3 }) == nil {
            run(decoder, music, into: &result, from: frame, to: frame + 1)
            frame += 1
        }
        let third = result.beats.last!
        run(decoder, music, into: &result, from: frame, to: third.frame + 11)
        decoder.markDownbeat()
        run(decoder, music, into: &result, from: third.frame + 11)
        let after = result.beats(from: third.frame + 11)
        XCTAssertGreaterThan(after.count, 20)
        for found in after {
            XCTAssertEqual(found.beat.barPosition, (found.beat.index - third.beat.index) % 4 + 1, "beat \(found.beat.index)")
        }
    }

    func testSetMeter_whenModelledOrNot_countsThatManyBeats() throws {
        let music = Activations([Segment(seconds: 20, bpm: 110)]).withoutDownbeats()
        for count in [3, 5] {
            let decoder = try decoder()
            var result = Run()
            run(decoder, music, into: &result, to: 600)
            decoder.setMeter(count)
            XCTAssertEqual(decoder.beatsPerBar, count)
            run(decoder, music, into: &result, from: 600)
            let after = result.beats(from: 600)
            XCTAssertGreaterThan(after.count, 20)
            XCTAssertTrue(result.beatsPerBar[600...].allSatisfy { $0 == count })
            for (a, b) in zip(after, after.dropFirst()) {
                XCTAssertEqual(b.beat.barPosition, a.beat.barPosition % count + 1, "meter \(count)")
            }
            XCTAssertLessThanOrEqual(barAccuracy(after, music).worstError, 2)
        }
    }

    func testHoldTempo_whenMusicIsFaster_reportsTheHeldTempoUntilReleased() throws {
        let music = Activations([Segment(seconds: 30, bpm: 120)])
        let decoder = try decoder()
        var result = Run()
        run(decoder, music, into: &result, to: 500)
        decoder.holdTempo(bpm: 100)
        run(decoder, music, into: &result, from: 500, to: 1500)
        XCTAssertTrue(result.bpm[500..<1500].allSatisfy { $0 == 100 })
        let held = result.beats(from: 600, to: 1500).map(\.frame)
        for (a, b) in zip(held, held.dropFirst()) { XCTAssertEqual(b - a, 60, accuracy: 2) }
        decoder.holdTempo(bpm: 0)
        run(decoder, music, into: &result, from: 1500)
        XCTAssertEqual(result.bpm.last!, 120, accuracy: 2.4, "released")
    }

    func testReset_restartsFromNothing() throws {
        let music = Activations([Segment(seconds: 20, bpm: 120)])
        let decoder = try decoder()
        var result = Run()
        run(decoder, music, into: &result, to: 800)
        XCTAssertEqual(decoder.bpm, 120, accuracy: 2.4)
        decoder.setMeter(3)
        decoder.holdTempo(bpm: 90)
        decoder.reset()
        XCTAssertEqual(decoder.bpm, 0)
        XCTAssertNil(decoder.nextBeat())
        XCTAssertEqual(decoder.beatsPerBar, 4)
        run(decoder, music, into: &result, from: 800)
        XCTAssertEqual(result.bpm[801], 0, "not tracking straight after a reset")
        XCTAssertTrue(result.bpm[1100...].allSatisfy { abs($0 - 120) <= 2.4 })
        XCTAssertTrue(result.beatsPerBar[1100...].allSatisfy { $0 == 4 })
    }

    func testAlignBeat_putsABeatOnTheNextFrame() throws {
        let music = Activations([Segment(seconds: 12, bpm: 120)])
        let decoder = try decoder()
        var result = Run()
        run(decoder, music, into: &result, to: 800)
        // Half way to the next beat, where no pulse is.
        var frame = 800
        while frame - (result.beats.last?.frame ?? frame) < 25 {
            run(decoder, music, into: &result, from: frame, to: frame + 1)
            frame += 1
        }
        decoder.alignBeat()
        XCTAssertEqual(decoder.nextBeat()?.framesAhead, 1)
        XCTAssertNotNil(decoder.process(beat: music.beat[frame], downbeat: music.downbeat[frame]))
    }

    // MARK: Real-time path

    func testProcessAndControls_neverAllocate() throws {
        let music = Activations([Segment(seconds: 8, bpm: 120), Segment(seconds: 8, bpm: 95, beatsPerBar: 3)])
            .followed(by: Activations(constant: 0, seconds: 4))
        let decoder = try decoder()
        var beats = 0
        let allocations = music.beat.withUnsafeBufferPointer { beat in
            music.downbeat.withUnsafeBufferPointer { downbeat in
                countAllocations {
                    for frame in 0..<beat.count {
                        switch frame {
                        case 500: decoder.markDownbeat()
                        case 700: decoder.setMeter(3)
                        case 800: decoder.setMeter(7)
                        case 900: decoder.holdTempo(bpm: 100)
                        case 1000: decoder.alignBeat()
                        case 1100: decoder.holdTempo(bpm: 0)
                        case 1200: decoder.reset()
                        default: break
                        }
                        if decoder.process(beat: beat[frame], downbeat: downbeat[frame]) != nil { beats += 1 }
                        if decoder.nextBeat() != nil { beats += 0 }
                        _ = decoder.bpm + decoder.confidence + Float(decoder.beatsPerBar)
                    }
                }
            }
        }
        XCTAssertEqual(allocations, 0, "\(allocations) heap allocations over 20 s of frames and every control")
        XCTAssertGreaterThan(beats, 15)
    }

    func testProcess_costPerFrame() throws {
        let music = Activations([Segment(seconds: 20, bpm: 120), Segment(seconds: 20, bpm: 131, beatsPerBar: 3),
                                 Segment(seconds: 20, bpm: 87)], missing: 0.1, spuriousPerSecond: 0.3)
        let decoder = try decoder()
        var beats = 0
        var total = 0.0, slowest = 0.0
        var start = timespec(), end = timespec()
        for frame in 0..<music.frameCount {
            clock_gettime(CLOCK_MONOTONIC, &start)
            let found = decoder.process(beat: music.beat[frame], downbeat: music.downbeat[frame])
            clock_gettime(CLOCK_MONOTONIC, &end)
            let nanoseconds = Double(end.tv_sec - start.tv_sec) * 1e9 + Double(end.tv_nsec - start.tv_nsec)
            total += nanoseconds
            slowest = max(slowest, nanoseconds)
            if found != nil { beats += 1 }
        }
        let perFrame = total / Double(music.frameCount)
        print("BarPointerDecoder: \(Int(perFrame)) ns per frame on average, \(Int(slowest)) ns at most, over \(music.frameCount) frames, \(decoder.stateCount) states, \(beats) beats")
        XCTAssertGreaterThan(beats, 100)
        // Only a guard against gross regressions: ten times the budget of 30 000 simple operations
        // a frame, taken as 30 µs (the decoder's module is optimised even in debug builds).
        XCTAssertLessThan(perFrame, 300_000)
    }
}
