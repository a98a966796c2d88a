import Foundation
import Glibc

/// A jackd with the dummy backend under its own name, started and stopped by the benchmark.
/// It sets JACK_DEFAULT_SERVER for this process while it runs.
final class JACKDummy {
    let name: String
    private let daemon = Process()
    private var players: [Process] = []

    init?(period: Int, rate: Int = 48_000, scratch: String) {
        name = "smbench-\(getpid())-\(period)"
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/jackd")
        daemon.arguments = ["-n", name, "-d", "dummy", "-r", "\(rate)", "-p", "\(period)"]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        guard (try? daemon.run()) != nil else { return nil }
        let wait = Process()
        wait.executableURL = URL(fileURLWithPath: "/usr/bin/jack_wait")
        wait.arguments = ["-s", name, "-w", "-t", "10"]
        wait.standardOutput = FileHandle.nullDevice
        // jack_wait's libjack complains on standard error until the server answers.
        wait.standardError = FileHandle.nullDevice
        guard (try? wait.run()) != nil else { return nil }
        wait.waitUntilExit()
        guard wait.terminationStatus == 0 else {
            daemon.terminate()
            return nil
        }
        setenv("JACK_DEFAULT_SERVER", name, 1)
    }

    /// Plays a file into `port` with sndfile-jackplay.
    func play(_ path: String, into port: String) -> Process {
        let player = Process()
        player.executableURL = URL(fileURLWithPath: "/usr/bin/sndfile-jackplay")
        player.arguments = ["--autoconnect=\(port)", path]
        player.standardOutput = FileHandle.nullDevice
        player.standardError = FileHandle.nullDevice
        try? player.run()
        players.append(player)
        return player
    }

    /// Starts another program against this server (output discarded).
    func launch(_ executable: String, _ arguments: [String]) -> Process? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        players.append(process)
        return process
    }

    func stop() {
        for player in players where player.isRunning { kill(player.processIdentifier, SIGKILL); player.waitUntilExit() }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        unsetenv("JACK_DEFAULT_SERVER")
    }
}
