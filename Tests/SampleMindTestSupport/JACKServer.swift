import Foundation
import Glibc
import Synchronization

/// A jackd with the dummy backend under its own server name, for one test.
public final class JACKServer {
    public let name: String
    public let sampleRate: Int
    public let periodFrames: Int
    private let scratch: ScratchDirectory
    public private(set) var daemon: ChildProcess?
    private static let started = Atomic<Int>(0)

    /// The environment that points JACK clients at this server.
    public var environment: [String: String] { ["JACK_DEFAULT_SERVER": name] }

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/jackd") }

    public init(sampleRate: Int = 48_000, periodFrames: Int = 256, in scratch: ScratchDirectory) throws {
        name = "smtest-\(getpid())-\(Self.started.add(1, ordering: .relaxed).newValue)"
        self.sampleRate = sampleRate
        self.periodFrames = periodFrames
        self.scratch = scratch
        try start()
    }

    /// Starts (or restarts) jackd and waits until clients can connect.
    public func start() throws {
        daemon = try ChildProcess("/usr/bin/jackd", ["-n", name, "-d", "dummy", "-r", "\(sampleRate)", "-p", "\(periodFrames)"],
                                  label: "jackd-\(name)-\(Date().timeIntervalSince1970)", in: scratch)
        let wait = Process()
        wait.executableURL = URL(fileURLWithPath: "/usr/bin/jack_wait")
        wait.arguments = ["-s", name, "-w", "-t", "10"]
        wait.standardOutput = FileHandle.nullDevice
        wait.standardError = FileHandle.nullDevice
        try wait.run()
        wait.waitUntilExit()
        guard wait.terminationStatus == 0 else {
            throw NSError(domain: "JACKServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "jackd \(name) did not come up: \(daemon?.errors ?? "")"])
        }
    }

    /// Kills jackd at once (as a crash would).
    public func kill() { daemon?.stop(signal: SIGKILL, timeout: 3) }

    public func stop() { daemon?.stop(signal: SIGTERM, timeout: 5) }

    /// Plays a sound file into `port` with sndfile-jackplay and returns the player (running).
    public func play(_ path: String, into port: String, label: String = "player") throws -> ChildProcess {
        try ChildProcess("/usr/bin/sndfile-jackplay", ["--autoconnect=\(port)", path], environment: environment,
                         label: "\(label)-\(Date().timeIntervalSince1970)", in: scratch)
    }
}
