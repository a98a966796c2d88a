import Foundation
import Glibc

/// Runs the built `samplemind` executable (or the benchmark, `samplemind-bench`) and captures
/// what it printed.
public struct SampleMindBinary {
    public struct Outcome {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        /// The command ran past its deadline and was killed.
        public var timedOut = false
        public var errorLines: [String] { standardError.split(separator: "\n").map(String.init) }
    }

    /// The executable sits in the build's products directory, beside the test bundle.
    public static var url: URL {
        let bundle = Bundle.main.bundleURL
        let products = bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
        return products.appendingPathComponent("samplemind")
    }

    /// The benchmark executable, beside `samplemind`.
    public static var benchURL: URL { url.deletingLastPathComponent().appendingPathComponent("samplemind-bench") }

    /// Runs `samplemind` (or `executable`) with `arguments`; a run that lasts over `timeout` seconds
    /// is killed, so a hanging command fails its test instead of stalling the whole suite.
    public static func run(_ arguments: [String], executable: URL = url, environment: [String: String] = [:],
                           timeout: Double = 120) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        // Anything stored by default goes to a throwaway folder, never the user's data directory.
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["XDG_DATA_HOME": FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-test-data").path]
                .merging(environment) { $1 }) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let finished = DispatchSemaphore(value: 0)
        let killer = Thread {
            if finished.wait(timeout: .now() + timeout) == .timedOut { kill(process.processIdentifier, SIGKILL) }
        }
        killer.start()
        // Read before waiting, so a large output cannot fill the pipe and stall the child.
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        finished.signal()
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return Outcome(status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
                       standardError: String(decoding: errData, as: UTF8.self), timedOut: killed)
    }
}
