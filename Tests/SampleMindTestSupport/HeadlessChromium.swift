import Foundation
import Glibc

/// A real headless Chromium, driven over the DevTools protocol: it opens one page, evaluates
/// JavaScript in it, takes screenshots and collects what the page's console reported as errors.
/// The browser runs in the test's scratch folder on a debugging port it picks itself, and is
/// stopped by PID when this object goes away.
public final class HeadlessChromium {
    public static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    public let process: ChildProcess
    public let debuggingPort: Int
    private let page: WebSocketTestClient
    private var nextID = 0
    /// Console errors, uncaught exceptions and error log entries (failed loads) so far, in order.
    public private(set) var consoleErrors: [String] = []

    /// Starts the browser on `url` at the given window size. Throws when Chromium is not installed
    /// or does not come up within 20 s.
    public init(url: String, width: Int = 1440, height: Int = 900, in scratch: ScratchDirectory) throws {
        guard let executable = Self.executable else { throw Self.failure("Chromium is not installed (apt-get install chromium)") }
        let profile = scratch.file("chromium-profile")
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        process = try ChildProcess(executable, [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-extensions", "--mute-audio",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=\(profile)",
            "--window-size=\(width),\(height)", "about:blank",
        ], label: "chromium", in: scratch)
        var port: Int?
        let deadline = Date().addingTimeInterval(20)
        while port == nil, Date() < deadline, process.isRunning {
            if let text = try? String(contentsOfFile: profile + "/DevToolsActivePort", encoding: .utf8),
               let first = text.split(separator: "\n").first { port = Int(first) }
            if port == nil { usleep(100_000) }
        }
        guard let port else {
            process.stop(signal: SIGKILL)
            throw Self.failure("Chromium did not open its debugging port: \(process.errors.suffix(2000))")
        }
        debuggingPort = port
        guard let list = try? httpGet(port: port, path: "/json/list"),
              let targets = try? JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [[String: Any]],
              let target = targets.first(where: { $0["type"] as? String == "page" }),
              let socketURL = target["webSocketDebuggerUrl"] as? String,
              let path = URLComponents(string: socketURL)?.path else {
            process.stop(signal: SIGKILL)
            throw Self.failure("Chromium listed no page to drive")
        }
        page = try WebSocketTestClient(port: port, path: path)
        guard page.handshakeStatus == 101 else {
            process.stop(signal: SIGKILL)
            throw Self.failure("the DevTools socket refused the connection: \(page.handshakeResponse)")
        }
        _ = try call("Runtime.enable")
        _ = try call("Log.enable")
        _ = try call("Page.enable")
        _ = try call("Page.navigate", ["url": url])
    }

    deinit { process.stop(signal: SIGKILL) }

    private static func failure(_ message: String) -> NSError {
        NSError(domain: "HeadlessChromium", code: 1, userInfo: [NSLocalizedDescriptionKey: message])
    }

    /// Sends one DevTools command and waits for its answer (events that arrive meanwhile are noted).
    @discardableResult
    public func call(_ method: String, _ parameters: [String: Any] = [:], timeout: Double = 15) throws -> [String: Any] {
        nextID += 1
        let id = nextID
        let request = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": parameters])
        page.sendText(String(decoding: request, as: UTF8.self))
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let message = page.receive(timeout: deadline.timeIntervalSinceNow) else { break }
            guard case .text(let text) = message,
                  let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
            if object["id"] as? Int == id {
                if let error = object["error"] as? [String: Any] {
                    throw Self.failure("\(method) failed: \(error["message"] ?? error)")
                }
                return object["result"] as? [String: Any] ?? [:]
            }
            note(object)
        }
        throw Self.failure("\(method) got no answer within \(timeout) s")
    }

    private func note(_ event: [String: Any]) {
        let parameters = event["params"] as? [String: Any] ?? [:]
        switch event["method"] as? String {
        case "Runtime.consoleAPICalled" where parameters["type"] as? String == "error":
            let arguments = parameters["args"] as? [[String: Any]] ?? []
            consoleErrors.append("console.error: " + arguments.map { "\($0["value"] ?? $0["description"] ?? "?")" }.joined(separator: " "))
        case "Runtime.exceptionThrown":
            let details = parameters["exceptionDetails"] as? [String: Any] ?? [:]
            let exception = details["exception"] as? [String: Any]
            consoleErrors.append("exception: \(exception?["description"] ?? details["text"] ?? "?")")
        case "Log.entryAdded":
            let entry = parameters["entry"] as? [String: Any] ?? [:]
            if entry["level"] as? String == "error" { consoleErrors.append("log: \(entry["text"] ?? "?") \(entry["url"] ?? "")") }
        default: break
        }
    }

    /// The value of a JavaScript expression in the page (JSON-compatible values only).
    public func evaluate(_ expression: String) throws -> Any? {
        let result = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw Self.failure("the page could not evaluate \(expression): \(exception["text"] ?? exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Evaluates `expression` every 250 ms until `accept` holds for its value; returns the last value.
    /// An expression that throws (the page is still loading) counts as not accepted.
    public func waitFor(_ expression: String, timeout: Double, accept: (Any?) -> Bool) throws -> Any? {
        let deadline = Date().addingTimeInterval(timeout)
        var value: Any?
        repeat {
            value = try? evaluate(expression)
            if accept(value) { return value }
            usleep(250_000)
        } while Date() < deadline
        return value
    }

    /// Lets the page run for `seconds` while its events are still collected.
    public func idle(_ seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            _ = try evaluate("1")
            usleep(200_000)
        }
    }

    /// Emulates a screen `width` × `height` CSS pixels (`mobile`: a phone's viewport and touch).
    public func setViewport(width: Int, height: Int, scale: Double = 1, mobile: Bool = false) throws {
        try call("Emulation.setDeviceMetricsOverride",
                 ["width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile])
    }

    /// Writes a PNG of the whole page (beyond the viewport when `fullPage`) to `path`.
    public func screenshot(to path: String, fullPage: Bool = true) throws {
        let result = try call("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": fullPage], timeout: 30)
        guard let base64 = result["data"] as? String, let data = Data(base64Encoded: base64) else {
            throw Self.failure("the screenshot came back empty")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
