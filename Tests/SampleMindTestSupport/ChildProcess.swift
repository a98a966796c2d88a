import Foundation
import Glibc

/// A process a test starts, with its output in files (so a chatty child never blocks on a full
/// pipe), stopped by PID when the test ends.
public final class ChildProcess {
    public let process = Process()
    public let outputPath: String
    public let errorPath: String
    public let label: String

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                label: String, in scratch: ScratchDirectory) throws {
        self.label = label
        outputPath = scratch.file("\(label).out")
        errorPath = scratch.file("\(label).err")
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // Anything the child stores by default (segments) goes into the test's own folder.
        let hermetic = ["XDG_DATA_HOME": scratch.path].merging(environment) { $1 }
        process.environment = ProcessInfo.processInfo.environment.merging(hermetic) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    public var errors: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Waits until `text` appears in standard error (or output), up to `timeout` seconds.
    @discardableResult
    public func waitFor(_ text: String, inOutput: Bool = false, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (inOutput ? output : errors).contains(text) { return true }
            usleep(50_000)
        }
        return false
    }

    /// Waits for the process to exit by itself; returns false on timeout.
    public func waitForExit(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    /// Sends `signal` and waits up to `timeout` seconds; returns the seconds it took, or nil.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 5) -> Double? {
        guard process.isRunning else { return 0 }
        let started = Date()
        kill(pid, signal)
        if waitForExit(timeout: timeout) { return Date().timeIntervalSince(started) }
        kill(pid, SIGKILL)
        _ = waitForExit(timeout: 2)
        return nil
    }
}
