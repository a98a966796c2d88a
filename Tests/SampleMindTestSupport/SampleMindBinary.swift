import Foundation

/// Runs the built `samplemind` executable and captures what it printed.
public struct SampleMindBinary {
    public struct Outcome {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        public var errorLines: [String] { standardError.split(separator: "\n").map(String.init) }
    }

    /// The executable sits in the build's products directory, beside the test bundle.
    public static var url: URL {
        let bundle = Bundle.main.bundleURL
        let products = bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
        return products.appendingPathComponent("samplemind")
    }

    public static func run(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        // Anything stored by default goes to a throwaway folder, never the user's data directory.
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["XDG_DATA_HOME": FileManager.default.temporaryDirectory.appendingPathComponent("samplemind-test-data").path]) { $1 }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read before waiting, so a large output cannot fill the pipe and stall the child.
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
                       standardError: String(decoding: errData, as: UTF8.self))
    }
}
