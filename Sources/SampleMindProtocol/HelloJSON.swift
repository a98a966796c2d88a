import SampleMindAnalysis

/// `{"type":"hello",…}`, a connection's first message: the protocol and server versions, the
/// input, the analysis' format, hop and delays, what a client can subscribe to and the limits.
public enum HelloJSON {
    /// Every event type the stream sends (hello's `events`).
    public static let eventTypes = ["onset", "beat", "tempo", "key", "session", "discontinuity", "segment"]

    /// `analyzer` is the analysis' configuration for the input's current format, nil before the
    /// input's first session (`sample_rate`, `channels`, `hop_size`, `frame_rate` and `delays_s`
    /// are null then).
    public static func encode(serverVersion: String, inputDescription: String, inputState: String, analyzer: AnalyzerConfiguration?,
                              heartbeatSeconds: Double, maximumMessageBytes: Int, at time: MessageTime) -> String {
        var out = "{\"type\":\"hello\",\"protocol_version\":\(StreamProtocol.version),\"server_version\":\(JSONText.quoted(serverVersion))"
        out += ",\"input\":{\"description\":\(JSONText.quoted(inputDescription)),\"state\":\(JSONText.quoted(inputState))}"
        if let analyzer {
            let delays = TrackerDelays(configuration: analyzer)
            out += ",\"sample_rate\":\(JSONText.rounded(analyzer.sampleRate, 1)),\"channels\":\(analyzer.channelCount)"
            out += ",\"hop_size\":\(analyzer.hopSize),\"frame_rate\":\(JSONText.rounded(analyzer.frameRate, 3))"
            out += ",\"delays_s\":{\"onset\":\(JSONText.rounded(delays.onsetSeconds, 4)),\"beat\":\(JSONText.rounded(delays.beatSeconds, 4))"
            out += ",\"tempo\":\(JSONText.rounded(delays.tempoSeconds, 4)),\"key\":\(JSONText.rounded(delays.keySeconds, 4))"
            out += ",\"loudness\":\(JSONText.rounded(delays.loudnessSeconds, 4))}"
        } else {
            out += ",\"sample_rate\":null,\"channels\":null,\"hop_size\":null,\"frame_rate\":null,\"delays_s\":null"
        }
        out += ",\"features\":" + Feature.list(Set(Feature.allCases)) + ",\"default_features\":" + Feature.list(Feature.defaults)
        out += ",\"events\":[" + eventTypes.map(JSONText.quoted).joined(separator: ",") + "]"
        out += ",\"max_fps\":{\"default\":\(JSONText.rounded(Subscription.defaultFramesPerSecond, 3))"
        out += ",\"min\":\(JSONText.rounded(Subscription.frameRates.lowerBound, 3)),\"max\":\(JSONText.rounded(Subscription.frameRates.upperBound, 3))}"
        out += ",\"heartbeat_s\":\(JSONText.rounded(heartbeatSeconds, 1)),\"max_message_bytes\":\(maximumMessageBytes)"
        // Unlike the other messages, hello has always put wall_clock before t.
        return out + ",\"wall_clock\":\(JSONText.rounded(time.wallClockSeconds, 4)),\"t\":\(JSONText.rounded(time.timeSeconds, 4))}"
    }
}
