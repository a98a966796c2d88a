import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

/// As an ordinary user, real-time scheduling and memory locking are refused: the daemon must say
/// so once, clearly, and analyse at normal priority.
final class PrivilegeTests: XCTestCase {
    func testServe_asAnOrdinaryUser_fallsBackToNormalPriorityAndStillAnalyses() throws {
        try XCTSkipUnless(getuid() == 0, "needs root to switch to an ordinary user")
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "setpriv (util-linux) is missing")
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        probe.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/test", "-x", SampleMindBinary.url.path]
        try probe.run()
        probe.waitUntilExit()
        try XCTSkipUnless(probe.terminationStatus == 0, "the build folder is not reachable by an ordinary user here")
        let scratch = try ScratchDirectory("samplemind-unprivileged")
        defer { scratch.remove() }
        chmod(scratch.path, 0o755)
        let song = try TestSong(seconds: 6, in: scratch)
        chmod(song.path, 0o644)
        let daemon = try ChildProcess(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
             SampleMindBinary.url.path, "serve", "--input", "file", "--file", song.path, "--print", "--realtime-priority", "70",
             "--no-storage"],
            label: "daemon", in: scratch)
        defer { daemon.stop(signal: SIGKILL) }
        XCTAssertTrue(daemon.waitFor("\"type\":\"beat\"", inOutput: true, timeout: 15), daemon.errors)
        XCTAssertNotNil(daemon.stop(signal: SIGINT))
        XCTAssertEqual(daemon.process.terminationStatus, 0, daemon.errors)
        let refusals = daemon.errors.components(separatedBy: "real-time scheduling was refused").count - 1
        XCTAssertEqual(refusals, 1, "said once: \(daemon.errors)")
        XCTAssertTrue(daemon.errors.contains("LimitRTPRIO"), "says what to change")
    }
}
