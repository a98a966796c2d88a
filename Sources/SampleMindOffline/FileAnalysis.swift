import Foundation
import SampleMindAnalysis
import SampleMindAudioFile
import SampleMindInference
import SampleMindRealtime
import SampleMindValidation

/// Runs the causal analyzer over a whole sound file, as fast as it can, and reports what it
/// emitted: onsets and beats as they came out, and the tempo and key the trackers held longest.
public enum FileAnalysis {
    public struct Options: Sendable {
        public var hopSize: Int?
        public var windowSize: Int?
        public var channels: ChannelSelection = .all
        public var keyProfile: KeyProfile = .temperley
        /// Compute ``NetworkInput`` every hop (read it from the analyzer in `hopHandler`).
        public var computesNetworkInput = false
        public var detector: Detector = .dsp
        /// The network's weights and settings, read once for every file.
        public var network: DetectorModel?
        public var beatDecoder: BeatDecoder = .barPointer
        /// The key classifier; nil to find the key by correlation with ``keyProfile``.
        public var keyModel: KeyModel?

        public init() {}
    }

    /// Why a file could not be analysed.
    public enum Failure: Error, CustomStringConvertible {
        case file(AudioFileError)
        case analysis(path: String, AnalysisError)

        public var description: String {
            switch self {
            case .file(let error): return error.description
            case .analysis(let path, let error): return "\(PrintableText.escaped(path)): \(error.description)"
            }
        }
    }

    /// Blocks read from disk at once, in hops.
    static let hopsPerRead = 64

    /// Analyses `path`. `hopHandler`, when given, sees the analyzer after every hop, in order
    /// (its `frame`, `events` and `networkInput`), including the silent hops that flush the trackers.
    public static func run(
        path: String, options: Options = Options(), hopHandler: ((Analyzer) -> Void)? = nil
    ) throws(Failure) -> FileAnalysisResult {
        let started = DispatchTime.now().uptimeNanoseconds
        let reader: AudioFileReader
        do { reader = try AudioFileReader(path: path) } catch { throw .file(error) }
        var configuration = AnalyzerConfiguration(
            sampleRate: reader.sampleRate, channelCount: reader.channelCount, hopSize: options.hopSize,
            windowSize: options.windowSize, channels: options.channels, keyProfile: options.keyProfile)
        configuration.computesNetworkInput = options.computesNetworkInput
        configuration.detector = options.detector
        configuration.network = options.network
        configuration.beatDecoder = options.beatDecoder
        configuration.keyModel = options.keyModel
        let analyzer: Analyzer
        do { analyzer = try Analyzer(configuration: configuration) } catch { throw .analysis(path: path, error) }

        let channels = reader.channelCount, hop = configuration.hopSize
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: hop * channels * hopsPerRead)
        defer { buffer.deallocate() }
        var nonFiniteSamples = 0
        var summary = ResultAccumulator(configuration: configuration, durationSeconds: Double(reader.frameCount) / reader.sampleRate)

        func analyse(blocks: Int) {
            for block in 0..<blocks {
                let slice = UnsafeBufferPointer(rebasing: buffer[(block * hop * channels)..<((block + 1) * hop * channels)])
                analyzer.process(slice)
                summary.add(analyzer.frame, events: analyzer.events)
                hopHandler?(analyzer)
            }
        }

        while true {
            let frames: Int
            do { frames = try reader.read(into: buffer, frames: hop * hopsPerRead) } catch { throw .file(error) }
            guard frames > 0 else { break }
            // As live: NaN and infinities become silence before any tracker (or libebur128) sees them.
            nonFiniteSamples += UnsafeMutableBufferPointer(rebasing: buffer[0..<(frames * channels)]).replaceNonFiniteWithZero()
            let blocks = (frames + hop - 1) / hop
            // Zero-pad the final partial hop.
            for i in (frames * channels)..<(blocks * hop * channels) { buffer[i] = 0 }
            analyse(blocks: blocks)
            if frames < hop * hopsPerRead { break }
        }
        // Let the trackers report what their delay still holds: feed silence for one window and a hop.
        let flushBlocks = (configuration.windowSize + hop - 1) / hop + 2
        for i in 0..<(flushBlocks * hop * channels) { buffer[i] = 0 }
        analyse(blocks: flushBlocks)

        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return summary.result(file: path, channels: channels, delays: analyzer.delays, nonFiniteSamples: nonFiniteSamples,
                              detector: analyzer.detectorInUse, detectorFallbackReason: analyzer.detectorFallbackReason,
                              processingSeconds: elapsed)
    }
}
