import Foundation
import Glibc
import SampleMindSynthesis
import SampleMindTestSupport
import XCTest

/// Samples that are not numbers or are infinite (a broken plug-in, a corrupt file) are replaced
/// with silence where they enter, so they cannot poison the trackers' state for good.
final class NonFiniteInputTests: XCTestCase {
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-non-finite") }
    override func tearDown() { scratch.remove() }

    func testServe_afterTwoSecondsOfNaNAndInfinity_loudnessRecoversAndMetricsCountTheReplacedSamples() throws {
        let badSamples = 2 * 48_000
        let bad = (0..<badSamples).map { [Float.nan, .infinity, -.infinity][$0 % 3] }
        let music = Percussion.drumPattern(bpm: 120, seconds: 8, sampleRate: 48_000)
            .mixed(with: Harmony.progression(tonic: 9, minor: true, seconds: 8, sampleRate: 48_000))
        let daemon = try ServingDaemon(samples: bad + music.samples, speed: 2, in: scratch)
        let client = try daemon.client()
        XCTAssertNotNil(client.next("hello"))
        client.sendText(#"{"type":"subscribe","features":["levels","loudness"],"max_fps":20}"#)
        XCTAssertNotNil(client.next("subscribed"))

        // Frames from 6 s on: four seconds into the music, more than the 3 s short-term window.
        var recovered: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, (recovered.last?["t"] as? Double ?? 0) < 9.5 {
            for message in client.receiveJSON(count: 1, timeout: 1)
            where message["type"] as? String == "frame" && (message["t"] as? Double ?? 0) >= 6 {
                recovered.append(message)
            }
        }
        XCTAssertGreaterThan(recovered.count, 10, "frames arrived from 6 s to 9.5 s")
        // Real levels of this music (its peak is a little over full scale, as float files allow).
        let real: [String: ClosedRange<Double>] = ["lufs_momentary": -60 ... 0, "lufs_short_term": -60 ... 0, "peak_dbfs": -60 ... 6]
        let unreal = recovered.filter { frame in real.contains { !$0.value.contains(frame[$0.key] as? Double ?? -200) } }
        XCTAssertEqual(unreal.count, 0, "frames whose loudness or peak is not a real level, first: \(unreal.first ?? [:])")

        let metrics = try httpGet(port: daemon.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("# TYPE samplemind_non_finite_samples_total counter"), metrics)
        XCTAssertTrue(metrics.contains("\nsamplemind_non_finite_samples_total \(badSamples)\n"), metrics)
        let status = try httpGet(port: daemon.port, path: "/v1/status").body
        XCTAssertTrue(status.contains("\"non_finite_samples\":\(badSamples)"), status)
    }
}
