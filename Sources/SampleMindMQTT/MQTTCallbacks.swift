import CMosquitto

// libmosquitto's callbacks, as plain functions (a closure from a main-actor file would be
// isolated to the main actor and trap on the network thread). Each runs on libmosquitto's
// network thread with the ``MQTTLink`` passed as user data (unretained: the client keeps it
// alive for as long as the mosquitto handle exists).

/// CONNACK arrived: `code` 0 is accepted, anything else is the broker's refusal.
func mqttConnected(_ handle: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ code: Int32) {
    guard let context else { return }
    let link = Unmanaged<MQTTLink>.fromOpaque(context).takeUnretainedValue()
    if code == 0 { link.accepted() } else { link.refused(code: code) }
}

/// The connection ended (`code` 0: we asked for it).
func mqttDisconnected(_ handle: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ code: Int32) {
    guard let context else { return }
    Unmanaged<MQTTLink>.fromOpaque(context).takeUnretainedValue().lost()
}

/// libmosquitto's own log: errors are kept (the reason a TLS handshake or a lookup failed) for /health.
func mqttLogged(_ handle: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ level: Int32, _ text: UnsafePointer<CChar>?) {
    guard let context, let text, level & MOSQ_LOG_ERR != 0 else { return }
    Unmanaged<MQTTLink>.fromOpaque(context).takeUnretainedValue().logged(error: String(cString: text))
}
