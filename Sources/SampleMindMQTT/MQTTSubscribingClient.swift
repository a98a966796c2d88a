import CMosquitto
import Foundation
import SampleMindRealtime

/// One message from the broker. `payload` is empty when the message is larger than the client's
/// `maximumPayloadBytes` (then `sizeBytes` says how large it was, and nothing was copied).
public struct MQTTIncoming: Sendable {
    public let topic: String
    public let payload: [UInt8]
    public let sizeBytes: Int
}

/// What the network thread needs: the subscription, the link state and where messages go.
/// Not real-time safe; shared by the control thread and libmosquitto's network thread.
final class MQTTInbox: Sendable {
    let link: MQTTLink
    let filter: String
    let qos: Int32
    let maximumPayloadBytes: Int
    let receive: @Sendable (MQTTIncoming) -> Void

    init(filter: String, qos: Int32, maximumPayloadBytes: Int, receive: @escaping @Sendable (MQTTIncoming) -> Void) {
        link = MQTTLink(wake: WakeSignal())
        self.filter = filter
        self.qos = qos
        self.maximumPayloadBytes = maximumPayloadBytes
        self.receive = receive
    }
}

/// A connection to the broker that subscribes to one topic filter and hands each message to
/// `receive` on libmosquitto's network thread (`mosquitto_loop_start`), which also connects,
/// reconnects with back-off (1 s doubling to 30 s) and subscribes again after each connection.
///
/// libmosquitto reads a whole message before its callback sees it, so the broker's
/// `max_packet_size` (or `message_size_limit`) is what bounds memory; messages over
/// `maximumPayloadBytes` are handed on empty, for the receiver to refuse and count.
///
/// Not real-time safe. Made, started and stopped on the control thread; `receive` runs on the
/// network thread and must not call back into this client.
public final class MQTTSubscribingClient: @unchecked Sendable {
    public let broker: MQTTBrokerURL
    private let inbox: MQTTInbox
    private let handle: OpaquePointer
    private var running = false

    /// The link's state: connected, connections so far, the broker's last refusal.
    public var link: MQTTLink { inbox.link }

    /// Sets everything up without opening a socket; `username` and `password` when the broker asks,
    /// `caFile` (PEM) to verify an `mqtts://` broker's certificate instead of the system's CAs.
    public init(broker: MQTTBrokerURL, clientID: String, filter: String, qos: Int32 = 1, username: String? = nil,
                password: String? = nil, caFile: String? = nil, maximumPayloadBytes: Int,
                receive: @escaping @Sendable (MQTTIncoming) -> Void) throws(MQTTError) {
        _ = MosquittoLibrary.initialised
        self.broker = broker
        inbox = MQTTInbox(filter: filter, qos: qos, maximumPayloadBytes: maximumPayloadBytes, receive: receive)
        guard let handle = mosquitto_new(clientID, true, Unmanaged.passUnretained(inbox).toOpaque()) else {
            throw MQTTError(key: "mqtt.client_id", "libmosquitto could not make a client (\(String(cString: strerror(errno)))); check the client id")
        }
        self.handle = handle
        do throws(MQTTError) {
            if username != nil || password != nil {
                try check(mosquitto_username_pw_set(handle, username ?? "", password), key: "mqtt.username")
            }
            if broker.usesTLS {
                try check(mosquitto_tls_set(handle, caFile, caFile == nil ? "/etc/ssl/certs" : nil, nil, nil, nil), key: "mqtt.ca_file")
            }
            try check(mosquitto_reconnect_delay_set(handle, 1, 30, true), key: "mqtt.url")
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        mosquitto_connect_callback_set(handle, mqttSubscriberConnected)
        mosquitto_disconnect_callback_set(handle, mqttSubscriberDisconnected)
        mosquitto_message_callback_set(handle, mqttSubscriberReceived)
        mosquitto_log_callback_set(handle, mqttSubscriberLogged)
    }

    private func check(_ code: Int32, key: String) throws(MQTTError) {
        guard code != MOSQ_ERR_SUCCESS.rawValue else { return }
        throw MQTTError(key: key, "libmosquitto refused it: \(MQTTClient.describe(code))")
    }

    /// Starts the network thread, then the first connection attempt (the order ``MQTTClient``
    /// explains). A broker that is not there yet is no error: the thread keeps trying.
    public func start() -> String? {
        let started = mosquitto_loop_start(handle)
        guard started == MOSQ_ERR_SUCCESS.rawValue else { return "cannot start libmosquitto's network thread: \(MQTTClient.describe(started))" }
        running = true
        let code = mosquitto_connect_async(handle, broker.host, Int32(broker.port), 30)
        return code == MOSQ_ERR_SUCCESS.rawValue ? nil : MQTTClient.describe(code)
    }

    /// Disconnects and stops the network thread; no `receive` runs after it returns.
    public func stop() {
        guard running else { return }
        _ = mosquitto_disconnect(handle)
        _ = mosquitto_loop_stop(handle, false)
        running = false
    }

    deinit {
        stop()
        mosquitto_destroy(handle)
    }
}
