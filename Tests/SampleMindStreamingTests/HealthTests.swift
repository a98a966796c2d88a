import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

final class HealthTests: XCTestCase {
    func testHealth_isOKWhileAnalysingAnd503OnlyWhenTheAnalysisThreadStalls() throws {
        let scratch = try ScratchDirectory("samplemind-health")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 20, loop: true, extra: ["--test-stall-analysis-after", "2"], in: scratch)
        try daemon.waitUntilAnalysing()
        let healthy = try httpGet(port: daemon.port, path: "/health")
        XCTAssertEqual(healthy.status, 200)
        XCTAssertTrue(healthy.body.contains("\"status\":\"ok\""), healthy.body)
        Thread.sleep(forTimeInterval: 4.5)
        let stalled = try httpGet(port: daemon.port, path: "/health")
        XCTAssertEqual(stalled.status, 503, stalled.body)
        XCTAssertTrue(stalled.body.contains("analysis thread stalled"), stalled.body)
    }

    func testHealth_isDegradedWithAReasonWhileTheInputWaits() throws {
        let scratch = try ScratchDirectory("samplemind-health-waiting")
        defer { scratch.remove() }
        let daemon = try ChildProcess(SampleMindBinary.url.path,
                                      ["serve", "--input", "jack", "--port", "0", "--realtime-priority", "0"],
                                      environment: ["JACK_DEFAULT_SERVER": "smtest-nobody-\(getpid())"], label: "daemon", in: scratch)
        defer { daemon.stop(signal: SIGKILL) }
        XCTAssertTrue(daemon.waitFor("listening on http://", timeout: 10))
        let line = try XCTUnwrap(daemon.errors.split(separator: "\n").first { $0.contains("listening on http://") })
        let port = try XCTUnwrap(Int(line.components(separatedBy: "http://")[1].split(separator: "/")[0].split(separator: ":").last ?? ""))
        let health = try httpGet(port: port, path: "/health")
        XCTAssertEqual(health.status, 200, "waiting for JACK is degraded, not down")
        XCTAssertTrue(health.body.contains("\"status\":\"degraded\""), health.body)
        XCTAssertTrue(health.body.contains("input waiting"), health.body)
    }
}
