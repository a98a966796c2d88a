import CMosquitto
import Foundation

/// One connection to the broker on libmosquitto: its own network thread (`mosquitto_loop_start`)
/// connects, reconnects with back-off and writes what ``publish(_:payload:qos:retain:)`` queues.
/// The Last Will (`offline`, retained) is registered with the broker at every connection.
///
/// Not real-time safe. Made and stopped on the control thread; ``publish(_:payload:qos:retain:)``
/// may be called from any one other thread (libmosquitto locks its own queues).
final class MQTTClient: @unchecked Sendable {
    let link: MQTTLink
    private let handle: OpaquePointer
    private let settings: MQTTSettings
    private var running = false

    /// Sets everything up without opening a socket. Bad settings (a CA file TLS cannot load) throw,
    /// naming the key.
    init(settings: MQTTSettings, link: MQTTLink) throws(MQTTError) {
        _ = MosquittoLibrary.initialised
        guard let handle = mosquitto_new(settings.clientID, true, Unmanaged.passUnretained(link).toOpaque()) else {
            throw MQTTError(key: "mqtt.client_id", "libmosquitto could not make a client (\(String(cString: strerror(errno)))); check the client id")
        }
        self.handle = handle
        self.link = link
        self.settings = settings
        do throws(MQTTError) {
            try configure()
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
    }

    private func configure() throws(MQTTError) {
        let version = settings.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version), key: "mqtt.protocol")
        if settings.username != nil || settings.password != nil {
            try check(mosquitto_username_pw_set(handle, settings.username ?? "", settings.password), key: "mqtt.username")
        }
        let offline = Array("offline".utf8)
        try check(mosquitto_will_set(handle, settings.topics.status, Int32(offline.count), offline, 1, true), key: "mqtt.room")
        if settings.broker.usesTLS {
            let caPath = settings.caFile == nil ? "/etc/ssl/certs" : nil
            try check(mosquitto_tls_set(handle, settings.caFile, caPath, nil, nil, nil), key: "mqtt.ca_file")
        }
        // Back-off between attempts: 1 s, doubling to 30 s (a broker that refuses us is asked again slowly).
        try check(mosquitto_reconnect_delay_set(handle, 1, 30, true), key: "mqtt.url")
        mosquitto_connect_callback_set(handle, mqttConnected)
        mosquitto_disconnect_callback_set(handle, mqttDisconnected)
        mosquitto_log_callback_set(handle, mqttLogged)
    }

    private func check(_ code: Int32, key: String) throws(MQTTError) {
        guard code != MOSQ_ERR_SUCCESS.rawValue else { return }
        throw MQTTError(key: key, "libmosquitto refused it: \(Self.describe(code))")
    }

    /// Starts the network thread, then the first connection attempt. A broker that is not there
    /// yet is no error: the network thread keeps trying. (In that order: libmosquitto 2.0.11's
    /// thread, started after a first attempt that failed at once, never tries again.)
    func start() -> String? {
        let started = mosquitto_loop_start(handle)
        guard started == MOSQ_ERR_SUCCESS.rawValue else { return "cannot start libmosquitto's network thread: \(Self.describe(started))" }
        running = true
        let code = mosquitto_connect_async(handle, settings.broker.host, Int32(settings.broker.port), 30)
        return code == MOSQ_ERR_SUCCESS.rawValue ? nil : Self.describe(code)
    }

    /// Queues one message; returns libmosquitto's error when it was not taken (not connected).
    func publish(_ topic: String, payload: [UInt8], qos: Int32, retain: Bool) -> Int32 {
        payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, nil, topic, Int32(clamping: bytes.count), bytes.baseAddress, qos, retain)
        }
    }

    /// Disconnects (the broker then discards the Last Will) and only then stops the network
    /// thread, which writes what is queued before it ends; then frees the handle.
    func stop() {
        if running {
            _ = mosquitto_disconnect(handle)
            _ = mosquitto_loop_stop(handle, false)
            running = false
        }
    }

    deinit {
        stop()
        mosquitto_destroy(handle)
    }

    /// A libmosquitto error code in words (errno's text for MOSQ_ERR_ERRNO).
    static func describe(_ code: Int32) -> String {
        if code == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
        return String(cString: mosquitto_strerror(code))
    }

    /// The broker's refusal in words, for CONNACK codes of MQTT 3.1.1 and reason codes of MQTT 5.
    static func describeRefusal(_ code: Int32, version: MQTTSettings.ProtocolVersion) -> String {
        let text = String(cString: version == .v5 ? mosquitto_reason_string(code) : mosquitto_connack_string(code))
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }
}
