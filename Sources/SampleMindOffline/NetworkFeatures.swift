import Foundation
import SampleMindAnalysis

/// The networks' inputs for every hop of a sound file, computed by the same analyzer, spectrum,
/// ``NetworkInput`` and ``KeyInput`` that run live, for training (`samplemind features`).
public struct NetworkFeatures: Sendable {
    /// What the values mean and how frames map to time; written beside the array as JSON.
    public struct Description: Codable, Sendable, Equatable {
        public var featureVersion: Int
        public var file: String
        public var sampleRate: Double
        public var channels: Int
        public var hopSize: Int
        public var windowSize: Int
        public var frameRate: Double
        public var frames: Int
        public var valuesPerFrame: Int
        public var bandCount: Int
        public var bandCentresHz: [Float]
        /// The time frame 0 describes (the centre of its window); frame i is `i / frameRate` later.
        public var firstFrameCentreSeconds: Double
        public var level: String
        public var layout: String
        /// Values per frame of the key classifier's input (``KeyInput``), one row per frame too.
        public var keyValuesPerFrame: Int
        public var keyLayout: String

        enum CodingKeys: String, CodingKey {
            case featureVersion = "feature_version", file, sampleRate = "sample_rate", channels
            case hopSize = "hop_size", windowSize = "window_size", frameRate = "frame_rate", frames
            case valuesPerFrame = "values_per_frame", bandCount = "band_count", bandCentresHz = "band_centres_hz"
            case firstFrameCentreSeconds = "first_frame_centre_s", level, layout
            case keyValuesPerFrame = "key_values_per_frame", keyLayout = "key_layout"
        }
    }

    public var description: Description
    /// `frames × valuesPerFrame` values, frame after frame.
    public var values: [Float]
    /// `frames × keyValuesPerFrame` values: the key classifier's input as it stood at each frame.
    public var keyValues: [Float]

    /// Computes the features of `path` with the analyzer's defaults for its rate (or the given
    /// hop and window), including the silent hops after the end that flush the trackers.
    public static func extract(path: String, options: FileAnalysis.Options = FileAnalysis.Options())
        throws(FileAnalysis.Failure) -> NetworkFeatures
    {
        var options = options
        options.computesNetworkInput = true
        var values: [Float] = [], keyValues: [Float] = []
        var description: Description?
        _ = try FileAnalysis.run(path: path, options: options) { analyzer in
            guard let input = analyzer.networkInput else { return }
            if description == nil {
                description = Description(path: path, configuration: analyzer.configuration, input: input)
            }
            values.append(contentsOf: input.values)
            keyValues.append(contentsOf: analyzer.keyInput.values)
        }
        guard var description else {
            preconditionFailure("FileAnalysis.run analyses at least the flushing hops with a network input")
        }
        description.frames = values.count / description.valuesPerFrame
        return NetworkFeatures(description: description, values: values, keyValues: keyValues)
    }
}

extension NetworkFeatures.Description {
    init(path: String, configuration: AnalyzerConfiguration, input: NetworkInput) {
        let rate = configuration.sampleRate, hop = configuration.hopSize, window = configuration.windowSize
        self.init(
            featureVersion: NetworkInput.version, file: path, sampleRate: rate,
            channels: configuration.channelCount, hopSize: hop, windowSize: window,
            frameRate: configuration.frameRate, frames: 0, valuesPerFrame: input.count,
            bandCount: NetworkInput.bandCount, bandCentresHz: input.centreFrequencies,
            firstFrameCentreSeconds: (Double(hop) - Double(window) / 2) / rate,
            level: "log10(1 + \(Int(NetworkInput.magnitudeScale)) * band magnitude), full-scale sine = 1",
            layout: "per frame: \(NetworkInput.bandCount) band levels, then each band's rise since the previous frame (>= 0)",
            keyValuesPerFrame: KeyInput.valueCount,
            keyLayout: "per frame: the pitch-class profile C..B, then the bass's C..B, each scaled to a largest bin of 1 "
                + "per update and averaged over about \(Int(KeyInput.memorySeconds)) s (updated \(Int(Analyzer.chromaUpdatesPerSecond)) times a second)")
    }
}
