import CLo
import Glibc

/// One argument of an OSC message.
public enum OSCArgument: Sendable, Equatable {
    case int(Int32)
    /// Type tag `h`: a 64-bit integer.
    case long(Int64)
    case float(Float)
    case double(Double)
    case string(String)
}

/// OSC messages and time-tagged bundles, encoded by liblo into bytes for one UDP datagram.
public enum OSCPacket {
    /// Seconds from the OSC/NTP epoch (1900) to the Unix epoch (1970).
    static let ntpOffsetSeconds = 2_208_988_800.0

    public static func message(_ path: String, _ arguments: [OSCArgument]) -> [UInt8] {
        guard let message = make(arguments) else { return [] }
        defer { lo_message_free(message) }
        var length = 0
        guard let bytes = lo_message_serialise(message, path, nil, &length) else { return [] }
        defer { free(bytes) }
        return Array(UnsafeRawBufferPointer(start: bytes, count: length))
    }

    /// A bundle holding one message, time-tagged with `wallClockSeconds` (Unix seconds).
    public static func bundle(at wallClockSeconds: Double, _ path: String, _ arguments: [OSCArgument]) -> [UInt8] {
        guard let message = make(arguments) else { return [] }
        let bundle = lo_bundle_new(timeTag(wallClockSeconds))
        defer { lo_bundle_free_recursive(bundle) }
        guard lo_bundle_add_message(bundle, path, message) == 0 else {
            lo_message_free(message)
            return []
        }
        var length = 0
        guard let bytes = lo_bundle_serialise(bundle, nil, &length) else { return [] }
        defer { free(bytes) }
        return Array(UnsafeRawBufferPointer(start: bytes, count: length))
    }

    static func timeTag(_ wallClockSeconds: Double) -> lo_timetag {
        let ntp = wallClockSeconds + ntpOffsetSeconds
        let seconds = ntp.rounded(.down)
        return lo_timetag(sec: UInt32(seconds), frac: UInt32(min(4_294_967_295, (ntp - seconds) * 4_294_967_296)))
    }

    private static func make(_ arguments: [OSCArgument]) -> lo_message? {
        guard let message = lo_message_new() else { return nil }
        for argument in arguments {
            switch argument {
            case .int(let value): lo_message_add_int32(message, value)
            case .long(let value): lo_message_add_int64(message, value)
            case .float(let value): lo_message_add_float(message, value)
            case .double(let value): lo_message_add_double(message, value)
            case .string(let value): lo_message_add_string(message, value)
            }
        }
        return message
    }

    /// Decodes one received datagram as a message: its path and arguments (numbers and strings),
    /// or nil for anything else (bundles, malformed bytes).
    public static func decode(_ bytes: [UInt8]) -> (path: String, arguments: [OSCArgument])? {
        guard !bytes.isEmpty, bytes[0] == UInt8(ascii: "/"), let zero = bytes.firstIndex(of: 0) else { return nil }
        let path = String(decoding: bytes[..<zero], as: UTF8.self)
        var result: Int32 = 0
        var copy = bytes
        guard let message = copy.withUnsafeMutableBytes({ lo_message_deserialise($0.baseAddress, $0.count, &result) }), result == 0 else {
            return nil
        }
        defer { lo_message_free(message) }
        let count = Int(lo_message_get_argc(message))
        guard let types = lo_message_get_types(message), let values = lo_message_get_argv(message) else {
            return count == 0 ? (path, []) : nil
        }
        var arguments: [OSCArgument] = []
        for i in 0..<count {
            guard let value = values[i] else { return nil }
            switch UInt8(bitPattern: types[i]) {
            case UInt8(ascii: "i"): arguments.append(.int(value.pointee.i))
            case UInt8(ascii: "f"): arguments.append(.float(value.pointee.f))
            case UInt8(ascii: "d"): arguments.append(.double(value.pointee.d))
            case UInt8(ascii: "h"): arguments.append(.long(value.pointee.h))
            case UInt8(ascii: "s"), UInt8(ascii: "S"):
                arguments.append(.string(String(cString: UnsafeRawPointer(value).assumingMemoryBound(to: CChar.self))))
            default: return nil
            }
        }
        return (path, arguments)
    }
}
