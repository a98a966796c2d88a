/// A setting the MQTT publisher cannot work with, naming the configuration key and what to do.
public struct MQTTError: Error, CustomStringConvertible, Equatable {
    /// The configuration key at fault, e.g. `mqtt.url`.
    public let key: String
    public let message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}
