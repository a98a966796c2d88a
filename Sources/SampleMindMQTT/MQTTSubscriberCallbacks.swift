import CMosquitto

// libmosquitto's callbacks for ``MQTTSubscribingClient``, as plain functions (a closure from a
// main-actor file would be isolated to the main actor and trap on the network thread). Each runs
// on libmosquitto's network thread with the ``MQTTInbox`` passed as user data (unretained: the
// client keeps it alive for as long as the mosquitto handle exists).

/// CONNACK arrived: once accepted, (re)subscribe, since a clean session forgets subscriptions.
func mqttSubscriberConnected(_ handle: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ code: Int32) {
    guard let context else { return }
    let inbox = Unmanaged<MQTTInbox>.fromOpaque(context).takeUnretainedValue()
    if code == 0 {
        inbox.link.accepted()
        _ = mosquitto_subscribe(handle, nil, inbox.filter, inbox.qos)
    } else {
        inbox.link.refused(code: code)
    }
}

func mqttSubscriberDisconnected(_ handle: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ code: Int32) {
    guard let context else { return }
    Unmanaged<MQTTInbox>.fromOpaque(context).takeUnretainedValue().link.lost()
}

/// One message: its size is checked before anything is copied.
func mqttSubscriberReceived(_ handle: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ message: UnsafePointer<mosquitto_message>?) {
    guard let context, let message, let topic = message.pointee.topic else { return }
    let inbox = Unmanaged<MQTTInbox>.fromOpaque(context).takeUnretainedValue()
    let size = Int(message.pointee.payloadlen)
    var payload: [UInt8] = []
    if size > 0, size <= inbox.maximumPayloadBytes, let bytes = message.pointee.payload {
        payload = Array(UnsafeRawBufferPointer(start: bytes, count: size))
    }
    inbox.receive(MQTTIncoming(topic: String(cString: topic), payload: payload, sizeBytes: size))
}

func mqttSubscriberLogged(_ handle: OpaquePointer?, _ context: UnsafeMutableRawPointer?, _ level: Int32, _ text: UnsafePointer<CChar>?) {
    guard let context, let text, level & MOSQ_LOG_ERR != 0 else { return }
    Unmanaged<MQTTInbox>.fromOpaque(context).takeUnretainedValue().link.logged(error: String(cString: text))
}
