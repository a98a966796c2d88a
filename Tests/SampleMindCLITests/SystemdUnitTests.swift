import Foundation
import SampleMindTestSupport
import XCTest

/// Both units must pass `systemd-analyze verify`, with ExecStart pointed at the built binary
/// (verify checks that it exists).
final class SystemdUnitTests: XCTestCase {
    private func verify(_ unit: String, user: Bool) throws -> (Int32, String) {
        let scratch = try ScratchDirectory("samplemind-units")
        defer { scratch.remove() }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(unit).path
        let text = try String(contentsOfFile: source, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/samplemind", with: SampleMindBinary.url.path)
        let copy = scratch.file("samplemind.service")
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        let runtime = scratch.file("runtime")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-analyze")
        process.arguments = (user ? ["--user"] : []) + ["verify", copy]
        process.environment = ProcessInfo.processInfo.environment.merging(["XDG_RUNTIME_DIR": runtime]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    func testSystemUnit_passesSystemdAnalyzeVerify() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd is not installed")
        let (status, output) = try verify("systemd/samplemind.service", user: false)
        XCTAssertEqual(status, 0, output)
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "", "no warnings")
    }

    func testUserUnit_passesSystemdAnalyzeVerify() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "systemd is not installed")
        let (status, output) = try verify("systemd/user/samplemind.service", user: true)
        XCTAssertEqual(status, 0, output)
    }
}
