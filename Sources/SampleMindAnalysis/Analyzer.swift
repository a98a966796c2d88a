import SampleMindDSP
import SampleMindInference

/// The whole analysis of one audio stream: spectral features, onsets, tempo and beats, key and
/// loudness, one hop at a time. The same object runs live on the real-time thread and offline
/// over files, so both give identical results for the same samples at the same hop alignment.
///
/// Allocate in `init`, compute in ``process(_:)``, free in `deinit`: after set-up, processing
/// never allocates, locks, logs or makes a system call.
public final class Analyzer {
    public let configuration: AnalyzerConfiguration
    public let delays: TrackerDelays
    /// The features of the latest hop.
    public private(set) var frame = FeatureFrame()
    /// The events of the latest hop, valid until the next ``process(_:)``.
    public private(set) var events = EventList()
    /// A trained network's input for the latest hop, when the configuration asks for it or the
    /// network detector runs.
    public let networkInput: NetworkInput?
    /// The detector that runs: the one configured, or `.dsp` when the network cannot serve.
    public let detectorInUse: Detector
    /// Why the network detector was asked for and does not run (for the log and results).
    public let detectorFallbackReason: String?

    /// Chroma (for key) is computed from a window four times longer, every `chromaInterval` hops.
    static let chromaWindowFactor = 4
    public static let chromaUpdatesPerSecond = 25.0
    /// Where, relative to the centre of the window, the onset detector places an attack it
    /// detects: measured on synthetic clicks (SampleMindAnalysisTests, OnsetDetectorTests).
    static let onsetTimeOffsetSeconds = 0.013
    /// The meters the bar-pointer decoder tracks; another configured count is set as a stage meter.
    static let decodedMeters = [3, 4]

    private let history: AudioHistory
    private let analysedChannels: Range<Int>
    private let spectrum: SpectrumEstimator
    private let chromaSpectrum: SpectrumEstimator
    private let chromaInterval: Int
    private let display: DisplaySpectrum
    private let mfcc: MFCCExtractor
    private let loudness: LoudnessMeter
    private let onsets: OnsetDetector
    private let network: NetworkDetector?
    private let decoder: BarPointerDecoder?
    /// The network whose beat and downbeat activations the trackers follow (nil: the onset function).
    private let beatNetwork: NetworkDetector?
    private var networkOnsets: ActivationPeakPicker
    private let tempo: TempoTracker
    private let beats: BeatTracker
    private let chroma: ChromaExtractor
    /// What the key tracker reads, updated ``chromaUpdatesPerSecond`` times a second (for
    /// `samplemind features`, which writes it for training the key classifier).
    public let keyInput: KeyInput
    private let key: KeyTracker
    private var hopIndex = 0
    private var lastReportedBPM: Float = 0
    /// A tempo held from the stage (locked or tapped), 0 when the tracker's own estimate is used.
    private var heldBPM: Float = 0
    private var taps = TapTempo()

    /// Sets everything up for one stream. Not real-time safe: allocates and plans FFTs.
    public init(configuration: AnalyzerConfiguration) throws(AnalysisError) {
        try configuration.validate()
        self.configuration = configuration
        let rate = configuration.sampleRate, window = configuration.windowSize
        let chromaWindow = window * Self.chromaWindowFactor
        history = AudioHistory(length: chromaWindow, channelCount: configuration.channelCount)
        switch configuration.channels {
        case .all: analysedChannels = 0..<configuration.channelCount
        case .single(let index): analysedChannels = index..<(index + 1)
        }
        chromaInterval = max(1, Int((configuration.frameRate / Self.chromaUpdatesPerSecond).rounded()))
        let chromaRate = Float(configuration.frameRate / Double(chromaInterval))
        do {
            spectrum = try SpectrumEstimator(fftSize: window, sampleRate: rate)
            chromaSpectrum = try SpectrumEstimator(fftSize: chromaWindow, sampleRate: rate)
            display = try DisplaySpectrum(fftSize: window, sampleRate: rate)
            mfcc = try MFCCExtractor(fftSize: window, sampleRate: rate)
            onsets = try OnsetDetector(fftSize: window, sampleRate: rate, frameRate: configuration.frameRate)
        } catch {
            throw .resourceUnavailable("could not set up the spectral analysis: \(error)")
        }
        let runsNetwork = configuration.effectiveDetector == .network
        detectorInUse = configuration.effectiveDetector
        detectorFallbackReason = configuration.networkFallbackReason
        let input = configuration.computesNetworkInput || runsNetwork
            ? try NetworkInput(fftSize: window, sampleRate: rate) : nil
        networkInput = input
        networkOnsets = try ActivationPeakPicker(
            threshold: configuration.network?.onsetThreshold ?? 1, preMaxFrames: 3, combineFrames: 3)
        if runsNetwork, let model = configuration.network {
            network = NetworkDetector(model: model)
        } else {
            network = nil
        }
        beatNetwork = configuration.beatsFollowNetwork ? network : nil
        if runsNetwork, configuration.beatDecoder == .barPointer {
            let meters = Self.decodedMeters
            decoder = try BarPointerDecoder(
                frameRate: configuration.frameRate, meters: meters,
                preferredBeatsPerBar: meters.contains(configuration.beatsPerBar) ? configuration.beatsPerBar : 4)
            if !meters.contains(configuration.beatsPerBar) { decoder?.setMeter(configuration.beatsPerBar) }
        } else {
            decoder = nil
        }
        loudness = try LoudnessMeter(channelCount: configuration.channelCount, sampleRate: rate)
        tempo = TempoTracker(frameRate: configuration.frameRate)
        beats = BeatTracker(frameRate: configuration.frameRate, beatsPerBar: configuration.beatsPerBar)
        chroma = ChromaExtractor(
            binCount: chromaSpectrum.binCount, binHz: chromaSpectrum.binHz, updatesPerSecond: chromaRate)
        keyInput = KeyInput(updatesPerSecond: chromaRate)
        key = KeyTracker(profile: configuration.keyProfile, classifier: configuration.keyModel, updatesPerSecond: chromaRate)

        delays = TrackerDelays(configuration: configuration)
    }

    /// Samples per call: `hopSize` frames of `channelCount` interleaved samples.
    public var samplesPerBlock: Int { configuration.hopSize * configuration.channelCount }

    /// Analyses one hop of interleaved samples (exactly ``samplesPerBlock`` values) and updates
    /// ``frame`` and ``events``. Real-time safe: no allocation, locks or system calls.
    public func process(_ block: UnsafeBufferPointer<Float>) {
        precondition(block.count == samplesPerBlock, "a block must hold exactly one hop of interleaved samples")
        let hopSize = configuration.hopSize, rate = configuration.sampleRate
        events.removeAll()
        history.append(interleaved: block, frameCount: hopSize)
        frame.index = hopIndex
        frame.timeSeconds = Double((hopIndex + 1) * hopSize) / rate

        LevelMeter.measure(block, into: &frame)
        loudness.measure(block, frameCount: hopSize, into: &frame)

        spectrum.update(from: history, channels: analysedChannels)
        SpectralDescriptors.measure(spectrum.power, binHz: spectrum.binHz, into: &frame)
        display.measure(spectrum.power, into: &frame)
        mfcc.measure(spectrum.power, into: &frame)
        networkInput?.process(spectrum.power)

        let onsetFunctionPeak = onsets.process(spectrum.power)
        var onsetStrength = onsetFunctionPeak
        frame.flux = onsets.detectionValue
        if let network, let networkInput {
            network.process(networkInput)
            onsetStrength = networkOnsets.process(network.onset)
        }
        if let onsetStrength {
            events.append(.onset(timeSeconds: eventTime(ofHop: hopIndex - 1, fromNetwork: network != nil),
                                 strength: onsetStrength))
        }
        if let decoder, let network {
            decodeBeats(decoder, network)
        } else {
            trackTempoAndBeats(onsetDetected: (beatNetwork == nil ? onsetFunctionPeak : onsetStrength) != nil)
        }

        if hopIndex % chromaInterval == 0 {
            chromaSpectrum.update(from: history, channels: analysedChannels)
            chroma.process(chromaSpectrum.power)
            chroma.write(into: &frame)
            frame.tuningCents = chroma.tuningSemitones * 100
            if keyInput.process(chroma), key.process(keyInput), key.keyIndex >= 0 {
                let changedAt = max(0, frame.timeSeconds - Double(key.changeLagSeconds))
                events.append(.key(timeSeconds: changedAt, key: MusicalKey(index: key.keyIndex),
                                   confidence: key.confidence))
            }
            frame.keyIndex = Int8(key.displayedKeyIndex)
            frame.keyConfidence = key.displayedConfidence
            frame.keyRunnerUpIndex = Int8(key.runnerUpKeyIndex)
            frame.keyMargin = key.margin
        }
        hopIndex += 1
    }

    /// Applies a control from the stage before the next hop (the `tempo` event it causes comes
    /// with that hop). Real-time safe. Returns false when it could not apply (`lock` while no tempo
    /// is known, a meter out of range).
    @discardableResult
    public func apply(_ control: StageControl) -> Bool {
        switch control {
        case .tap:
            guard let bpm = taps.tap(at: frame.timeSeconds) else { return true }
            heldBPM = bpm
            beats.alignBeat(periodFrames: periodFrames(bpm))
            decoder?.holdTempo(bpm: bpm)
            decoder?.alignBeat()
        case .lock:
            guard currentBPM > 0 else { return false }
            heldBPM = currentBPM
            decoder?.holdTempo(bpm: heldBPM)
        case .unlock:
            heldBPM = 0
            decoder?.holdTempo(bpm: 0)
        case .holdTempo(let bpm):
            guard StageControl.heldTempoRange.contains(bpm) else { return false }
            heldBPM = bpm
            decoder?.holdTempo(bpm: bpm)
        case .downbeat:
            beats.markDownbeat(periodFrames: periodFrames(currentBPM))
            decoder?.markDownbeat()
        case .meter(let count):
            guard StageControl.meterRange.contains(count) else { return false }
            beats.setMeter(count)
            decoder?.setMeter(count)
        case .reset:
            heldBPM = 0
            taps.reset()
            tempo.reset()
            beats.reset()
            beats.setMeter(configuration.beatsPerBar)
            decoder?.reset()
            if let decoder, !Self.decodedMeters.contains(configuration.beatsPerBar) { decoder.setMeter(configuration.beatsPerBar) }
        }
        return true
    }

    private var currentBPM: Float { heldBPM > 0 ? heldBPM : (decoder?.bpm ?? tempo.bpm) }

    /// Beats, bars, tempo and meter from the bar-pointer decoder on the network's activations.
    private func decodeBeats(_ decoder: BarPointerDecoder, _ network: NetworkDetector) {
        let beat = decoder.process(beat: network.beat, downbeat: network.downbeat)
        let bpm = currentBPM
        reportTempoIfChanged(bpm, confidence: heldBPM > 0 ? 1 : decoder.confidence)
        frame.tempoBPM = bpm
        frame.tempoConfidence = heldBPM > 0 ? 1 : decoder.confidence
        frame.tempoLocked = heldBPM > 0
        if let beat {
            events.append(.beat(timeSeconds: eventTime(ofHop: hopIndex, fromNetwork: true), index: beat.index,
                                barPosition: beat.barPosition, tempoBPM: bpm))
        }
        frame.beatsPerBar = Int8(decoder.beatsPerBar)
        if let next = decoder.nextBeat() {
            frame.nextBeatSeconds = eventTime(ofHop: hopIndex + next.framesAhead, fromNetwork: true)
            frame.nextBeatIndex = next.index
            frame.nextBeatBarPosition = Int8(next.barPosition)
        } else {
            frame.nextBeatSeconds = -1
        }
    }

    /// The musical time of what a detector saw at hop `hop`: the centre of its window, plus
    /// ``onsetTimeOffsetSeconds`` for the DSP onset function; the network was trained with labels
    /// on the hop whose window centre is nearest the event, so its events sit on the centre.
    @inline(__always)
    private func eventTime(ofHop hop: Int, fromNetwork: Bool) -> Double {
        let windowCentre = Double((hop + 1) * configuration.hopSize) - Double(configuration.windowSize) / 2
        return max(0, windowCentre / configuration.sampleRate + (fromNetwork ? 0 : Self.onsetTimeOffsetSeconds))
    }

    private func periodFrames(_ bpm: Float) -> Float { bpm > 0 ? Float(60 * configuration.frameRate) / bpm : 0 }

    /// A `tempo` event when the tempo moved by more than 2 % or became (un)known.
    private func reportTempoIfChanged(_ bpm: Float, confidence: Float, changedAt: Double? = nil) {
        let changed = bpm > 0 && (lastReportedBPM == 0 || abs(bpm - lastReportedBPM) > 0.02 * lastReportedBPM)
        guard changed || (bpm == 0 && lastReportedBPM != 0) else { return }
        lastReportedBPM = bpm
        events.append(.tempo(timeSeconds: changedAt ?? frame.timeSeconds, bpm: bpm, confidence: confidence))
    }

    private func trackTempoAndBeats(onsetDetected: Bool) {
        // The network's beat activation is the periodic function tempo and beats follow, and its
        // downbeat activation tells where bars start; the DSP detectors (and `onset-function`)
        // use the onset function and the low-frequency flux.
        let periodic = beatNetwork?.beat ?? onsets.detectionValue
        let barStrength = beatNetwork?.downbeat ?? onsets.lowFrequencyFlux
        let previousBPM = tempo.bpm
        if tempo.process(periodic, onsetDetected: onsetDetected), heldBPM == 0 {
            // A new tempo (not a drift, and not the tempo lost): the beats look for the new grid.
            if previousBPM > 0, tempo.bpm > 0, abs(tempo.bpm - previousBPM) >= TempoTracker.smallestChange * previousBPM {
                beats.followTempoChange()
            }
            // A change of tempo wins once about half of the history that found it holds the new
            // tempo, so the music most likely changed that long ago.
            let wasKnown = lastReportedBPM > 0 && tempo.bpm > 0
            let changedAt = wasKnown ? max(0, frame.timeSeconds - tempo.changeLagSeconds) : frame.timeSeconds
            reportTempoIfChanged(tempo.bpm, confidence: tempo.confidence, changedAt: changedAt)
        }
        if heldBPM > 0 { reportTempoIfChanged(heldBPM, confidence: 1) }
        let bpm = currentBPM
        frame.tempoBPM = bpm
        frame.tempoConfidence = heldBPM > 0 ? 1 : tempo.confidence
        frame.tempoLocked = heldBPM > 0
        let period = periodFrames(bpm)
        if let beat = beats.process(odf: periodic, lowFrequencyFlux: barStrength, periodFrames: period)
        {
            events.append(.beat(timeSeconds: eventTime(ofHop: hopIndex, fromNetwork: beatNetwork != nil), index: beat.index,
                                barPosition: beat.barPosition, tempoBPM: bpm))
        }
        frame.beatsPerBar = Int8(beats.beatsPerBar)
        if let next = beats.nextBeat(periodFrames: period) {
            frame.nextBeatSeconds = eventTime(ofHop: hopIndex + next.framesAhead, fromNetwork: beatNetwork != nil)
            frame.nextBeatIndex = next.index
            frame.nextBeatBarPosition = Int8(next.barPosition)
        } else {
            frame.nextBeatSeconds = -1
        }
    }
}
