import Foundation
import Glibc

/// A real mosquitto broker for a test, listening on 127.0.0.1 only, on a free port that stays
/// the same across ``restart()``; anonymous, or with one user from a password file made by
/// `mosquitto_passwd`, and with TLS when given a certificate. Stopped by PID.
public final class MosquittoBroker {
    /// A server certificate and key, and the CA that signed them (PEM files).
    public struct TLSFiles {
        public var caFile: String
        public var certificateFile: String
        public var keyFile: String
        public init(caFile: String, certificateFile: String, keyFile: String) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    public let port: Int
    public let configurationPath: String
    private let scratch: ScratchDirectory
    private var child: ChildProcess?
    private var starts = 0

    /// Writes the configuration and starts the broker (unless `startNow` is false: then
    /// ``start()`` does); throws when it does not listen within 5 s.
    public init(in scratch: ScratchDirectory, user: (name: String, password: String)? = nil, tls: TLSFiles? = nil,
                startNow: Bool = true) throws {
        self.scratch = scratch
        port = try Self.freePort()
        configurationPath = scratch.file("mosquitto-\(port).conf")
        var lines = ["listener \(port) 127.0.0.1", "persistence false", "log_type error", "log_type warning", "log_type notice"]
        if let user {
            let passwords = scratch.file("mosquitto-\(port).passwd")
            let made = try SampleMindBinary.run(["-c", "-b", passwords, user.name, user.password],
                                                executable: URL(fileURLWithPath: "/usr/bin/mosquitto_passwd"), timeout: 10)
            guard made.status == 0 else { throw Self.failure("mosquitto_passwd failed: \(made.standardError)") }
            lines += ["allow_anonymous false", "password_file \(passwords)"]
        } else {
            lines.append("allow_anonymous true")
        }
        if let tls {
            lines += ["cafile \(tls.caFile)", "certfile \(tls.certificateFile)", "keyfile \(tls.keyFile)"]
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: configurationPath, atomically: true, encoding: .utf8)
        if startNow { try start() }
    }

    /// A broker run from the configuration `text` makes for its port (a shipped file adapted to
    /// the test: its listener on 127.0.0.1 and that port, its files in the scratch directory).
    public init(in scratch: ScratchDirectory, configuration text: (_ port: Int) throws -> String) throws {
        self.scratch = scratch
        port = try Self.freePort()
        configurationPath = scratch.file("mosquitto-\(port).conf")
        try text(port).write(toFile: configurationPath, atomically: true, encoding: .utf8)
        try start()
    }

    public var pid: Int32? { child?.pid }
    public var log: String { child?.errors ?? "" }

    /// Starts the broker (again) on the same port and waits until it accepts connections.
    public func start() throws {
        starts += 1
        let child = try ChildProcess("/usr/sbin/mosquitto", ["-c", configurationPath], label: "mosquitto-\(port)-\(starts)", in: scratch)
        self.child = child
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let socket = connectLoopback(port: port, receiveTimeoutSeconds: 1)
            if socket >= 0 {
                close(socket)
                return
            }
            usleep(50_000)
        }
        child.stop(signal: SIGKILL)
        throw Self.failure("mosquitto did not listen on 127.0.0.1:\(port) within 5 s: \(child.errors)")
    }

    /// Stops the broker by PID (SIGKILL: as a crash or a pulled cable looks to the clients).
    public func kill() {
        child?.stop(signal: SIGKILL, timeout: 2)
    }

    /// Stops the broker by PID with SIGTERM.
    public func stop() {
        child?.stop(signal: SIGTERM, timeout: 5)
    }

    /// A TCP port nobody listens on now: bound to port 0 on loopback, read back, released.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw failure("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw failure("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    public static func failure(_ message: String) -> NSError {
        NSError(domain: "MosquittoBroker", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
    }
}
