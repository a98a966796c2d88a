import Foundation
import Glibc

/// Talks to systemd's service manager over `$NOTIFY_SOCKET` (sd_notify's protocol: one datagram
/// of `KEY=value` lines): READY=1, STATUS=…, WATCHDOG=1, STOPPING=1. Without the variable (not
/// run by systemd) every call does nothing. Main thread only.
public final class SystemdNotifier {
    private let socket: Int32
    private var address = sockaddr_un()
    private var addressLength: socklen_t = 0
    /// Half of `$WATCHDOG_USEC`, in seconds: how often to say WATCHDOG=1, or nil without a watchdog.
    public let watchdogInterval: Double?
    private var lastStatus = ""

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let usec = environment["WATCHDOG_USEC"].flatMap(Double.init), usec > 0,
           environment["WATCHDOG_PID"].map({ Int32($0) == getpid() }) ?? true {
            watchdogInterval = usec / 1e6 / 2
        } else {
            watchdogInterval = nil
        }
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty, path.utf8.count < 107 else {
            socket = -1
            return
        }
        socket = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        address.sun_family = sa_family_t(AF_UNIX)
        // "@name" is an abstract socket: a leading NUL byte instead of the '@'.
        var bytes = Array(path.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        addressLength = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
    }

    deinit { if socket >= 0 { close(socket) } }

    public var isActive: Bool { socket >= 0 }

    /// Sends the lines as one datagram; failures are ignored (systemd may be gone at shutdown).
    public func notify(_ lines: String...) {
        guard socket >= 0 else { return }
        let message = Array(lines.joined(separator: "\n").utf8)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { target in
                message.withUnsafeBytes { sendto(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), target, addressLength) }
            }
        }
    }

    /// STATUS=…, sent only when it changed.
    public func status(_ text: String) {
        guard text != lastStatus else { return }
        lastStatus = text
        notify("STATUS=\(text)")
    }
}
