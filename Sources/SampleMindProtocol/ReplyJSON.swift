import SampleMindAnalysis

/// The answers to a client's messages: `subscribed`, `pong`, `control_ack`, and `error` for
/// anything refused. Each ends with the ``MessageTime`` it was sent at.
public enum ReplyJSON {
    /// `{"type":"subscribed",…}`: the subscription now in force, echoed whole.
    public static func subscribed(_ subscription: Subscription, at time: MessageTime) -> String {
        "{\"type\":\"subscribed\",\"features\":" + Feature.list(subscription.features)
            + ",\"max_fps\":\(JSONText.rounded(subscription.maximumFramesPerSecond, 3)),\"binary_spectrum\":\(subscription.binarySpectrum)"
            + time.fields + "}"
    }

    /// `{"type":"pong","id":…}` with the `id` the ping carried, or null.
    public static func pong(id: String?, at time: MessageTime) -> String {
        "{\"type\":\"pong\",\"id\":" + (id.map(JSONText.quoted) ?? "null") + time.fields + "}"
    }

    /// `{"type":"control_ack","command":"meter","value":3,…}`: the control was queued for the next hop.
    public static func controlAcknowledgement(_ control: StageControl, at time: MessageTime) -> String {
        let value = control.value.map { ",\"value\":\($0)" } ?? ""
        return "{\"type\":\"control_ack\",\"command\":\"\(control.name)\"" + value + time.fields + "}"
    }

    /// `{"type":"error","code":…,"message":…}`: a stable code for programs and a sentence for people.
    public static func error(code: String, message: String, at time: MessageTime) -> String {
        "{\"type\":\"error\",\"code\":\(JSONText.quoted(code)),\"message\":\(JSONText.quoted(message))" + time.fields + "}"
    }
}
