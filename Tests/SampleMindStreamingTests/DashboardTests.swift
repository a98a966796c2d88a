import Foundation
import Glibc
import SampleMindTestSupport
import XCTest

/// The dashboard in a real headless Chromium against the real daemon, which plays a generated
/// drum pattern at 120 BPM over a chord progression in A minor.
final class DashboardTests: XCTestCase {
    static let knownTempo = 120.0
    static let knownKey = "A minor"

    /// Where the screenshots go: .build/dashboard-screenshots in the package (not in git; the
    /// ones in docs/ are copies of a run's).
    static let screenshotFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/dashboard-screenshots").path

    /// The share of a canvas in the accent colour, pure or blended into the panel (the spectrum's
    /// fill, the meters' bars): the only green-leaning colour the views draw.
    static func accentPixels(_ id: String) -> String {
        """
        (() => { const c = document.getElementById('\(id)'); if (!c.width || !c.height) return 0;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
          for (let i = 0; i < d.length; i += 4) if (d[i + 1] > 80 && d[i + 1] > d[i] + 30) n++;
          return n / (c.width * c.height); })()
        """
    }

    override func setUpWithError() throws {
        guard name.contains("Page") else { return }
        guard HeadlessChromium.executable != nil else {
            throw XCTSkip("Chromium is not installed: scripts/install-dependencies installs it (apt-get install chromium)")
        }
    }

    func testThePageShowsTempoKeyMetersAndSegmentsWithoutErrors() throws {
        let scratch = try ScratchDirectory("dashboard")
        defer { scratch.remove() }
        // Short segments, so that several are stored within the test.
        let daemon = try ServingDaemon(seconds: 30, loop: true, environment: ["SAMPLEMIND_STORAGE_SEGMENT_MAX_S": "4"], in: scratch)
        let started = Date()
        let browser = try HeadlessChromium(url: "http://127.0.0.1:\(daemon.port)/", in: scratch)

        let shown = try browser.waitFor("[document.getElementById('tempo').textContent, document.getElementById('key').textContent]",
                                        timeout: 20) { value in
            guard let texts = value as? [String], let bpm = Double(texts[0].replacingOccurrences(of: " BPM", with: "")) else { return false }
            return abs(bpm - Self.knownTempo) / Self.knownTempo <= 0.02 && texts[1] == Self.knownKey
        } as? [String]
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(shown?[1], Self.knownKey, "the page shows the file's key")
        let bpm = Double(shown?[0].replacingOccurrences(of: " BPM", with: "") ?? "") ?? 0
        XCTAssertEqual(bpm, Self.knownTempo, accuracy: Self.knownTempo * 0.02, "the page shows the tempo as e.g. \"120.0 BPM\"")
        XCTAssertLessThanOrEqual(seconds, 21, "tempo and key are shown within 20 s")
        print("dashboard: \(shown ?? []) shown \(String(format: "%.1f", seconds)) s after the daemon started playing")

        XCTAssertGreaterThan(try browser.evaluate(Self.accentPixels("spectrum-view")) as? Double ?? 0, 0.05, "the spectrum is drawn")
        XCTAssertGreaterThan(try browser.evaluate(Self.accentPixels("meter-view")) as? Double ?? 0, 0.05, "the meters are drawn")
        // The tonic sounds in some chords of the progression and not in others (E major, the
        // dominant, has no A), so its bar is looked for over a few chords, not at one instant.
        let tonicBar = try browser.waitFor(Self.accentPixels("chroma-view"), timeout: 10) { ($0 as? Double ?? 0) > 0.005 } as? Double
        XCTAssertGreaterThan(tonicBar ?? 0, 0.005, "the tonic's chroma bar is drawn")
        XCTAssertEqual(try browser.evaluate("document.getElementById('connection').textContent") as? String, "live")
        let input = try browser.evaluate("document.getElementById('input').textContent") as? String ?? ""
        XCTAssertTrue(input.contains("song.wav") && input.contains("48 kHz"), "the input summary comes from /v1/status: \(input)")

        let segments = try browser.waitFor("document.querySelectorAll('#segments button').length", timeout: 45) {
            ($0 as? Int ?? 0) >= 2
        } as? Int ?? 0
        XCTAssertGreaterThanOrEqual(segments, 2, "the segment list fills: \(daemon.process.errors.suffix(1500))")
        _ = try browser.evaluate("document.querySelector('#segments button').click()")
        let similar = try browser.waitFor("document.querySelectorAll('#similar button').length", timeout: 10) { ($0 as? Int ?? 0) >= 1 } as? Int
        XCTAssertGreaterThanOrEqual(similar ?? 0, 1, "a segment's details list its most similar segments")
        XCTAssertEqual(try browser.evaluate("document.querySelectorAll('#segment-facts div').length") as? Int, 6)
        XCTAssertEqual(try browser.evaluate("document.activeElement.id") as? String, "segment-detail", "the details take the focus")

        try FileManager.default.createDirectory(atPath: Self.screenshotFolder, withIntermediateDirectories: true)
        let desktop = Self.screenshotFolder + "/dashboard-desktop.png"
        let phone = Self.screenshotFolder + "/dashboard-phone.png"
        try browser.setViewport(width: 1440, height: 900)
        try browser.idle(1)
        try browser.screenshot(to: desktop)
        try browser.setViewport(width: 390, height: 844, scale: 2, mobile: true)
        try browser.idle(1)
        let overflow = try browser.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") as? Int
        XCTAssertEqual(overflow, 0, "nothing is wider than a phone's screen")
        try browser.screenshot(to: phone)
        for path in [desktop, phone] {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            XCTAssertGreaterThan(size, 20_000, "\(path) holds a picture")
        }
        print("dashboard: screenshots in \(Self.screenshotFolder)")
        XCTAssertEqual(browser.consoleErrors, [], "the browser console has no errors")
    }

    func testThePageSaysWhenTheDaemonIsGoneAndReconnectsByItself() throws {
        let scratch = try ScratchDirectory("dashboard-reconnect")
        defer { scratch.remove() }
        let first = try ServingDaemon(seconds: 10, loop: true, in: scratch)
        let port = first.port
        let browser = try HeadlessChromium(url: "http://127.0.0.1:\(port)/", in: scratch)
        let state = "[document.getElementById('connection').textContent, document.getElementById('banner').hidden]"
        let live = try browser.waitFor(state, timeout: 15) { ($0 as? [Any])?.first as? String == "live" } as? [Any]
        XCTAssertEqual(live?.first as? String, "live")
        XCTAssertEqual(live?.last as? Bool, true, "no banner while connected")

        XCTAssertNotNil(first.process.stop(signal: SIGTERM), "the daemon stops")
        let down = try browser.waitFor(state, timeout: 10) { ($0 as? [Any])?.first as? String == "disconnected" } as? [Any]
        XCTAssertEqual(down?.first as? String, "disconnected")
        XCTAssertEqual(down?.last as? Bool, false, "a banner says the page is disconnected")
        let banner = try browser.evaluate("document.getElementById('banner-text').textContent") as? String ?? ""
        XCTAssertTrue(banner.contains("Disconnected from SampleMind"), banner)

        let second = try ServingDaemon(seconds: 10, loop: true, port: port, in: scratch)
        let back = try browser.waitFor(state, timeout: 20) { ($0 as? [Any])?.first as? String == "live" } as? [Any]
        XCTAssertEqual(back?.first as? String, "live", "the page reconnects by itself")
        XCTAssertEqual(back?.last as? Bool, true, "the banner goes away")
        let metrics = try httpGet(port: second.port, path: "/metrics").body
        XCTAssertTrue(metrics.contains("samplemind_clients 1"), "the restarted daemon has the page as its subscriber")
    }

    /// Every module the page imports is served as JavaScript from the package, with a policy that
    /// lets the page load only its own files and talk only to this server.
    func testTheDashboardShipsEveryFileItLoadsWithASecurityPolicy() throws {
        let scratch = try ScratchDirectory("dashboard-files")
        defer { scratch.remove() }
        let daemon = try ServingDaemon(seconds: 4, in: scratch)
        let index = try httpGet(port: daemon.port, path: "/")
        XCTAssertEqual(index.status, 200)
        XCTAssertTrue(index.headers.contains("content-security-policy: default-src 'self'; connect-src 'self'"), index.headers)
        XCTAssertTrue(index.headers.contains("x-content-type-options: nosniff"), index.headers)
        XCTAssertFalse(index.body.contains("http://") || index.body.contains("https://"), "nothing is fetched from elsewhere")
        var pending = ["app.js"]
        var seen: Set<String> = []
        while let file = pending.popLast() {
            guard seen.insert(file).inserted else { continue }
            let response = try httpGet(port: daemon.port, path: "/" + file)
            XCTAssertEqual(response.status, 200, file)
            XCTAssertTrue(response.headers.contains("content-type: text/javascript"), file)
            for line in response.body.split(separator: "\n") where line.hasPrefix("import ") {
                guard let quoted = line.split(separator: "\"").dropFirst().first,
                      let target = URL(string: String(quoted), relativeTo: URL(string: "http://dashboard/" + file)) else { continue }
                pending.append(String(target.absoluteURL.path.dropFirst()))
            }
        }
        XCTAssertGreaterThanOrEqual(seen.count, 10, "the page's modules: \(seen.sorted())")
        for asset in ["style.css", "icon.svg"] { XCTAssertEqual(try httpGet(port: daemon.port, path: "/" + asset).status, 200, asset) }
    }
}
