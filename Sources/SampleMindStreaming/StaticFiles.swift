import Foundation

/// Resolves request paths to files inside one directory, and never outside it.
struct StaticFiles {
    let root: String

    init?(directory: String) {
        guard let resolved = realpath(directory, nil) else { return nil }
        root = String(cString: resolved)
        free(resolved)
    }

    /// The file for a request path ("/" is index.html), or nil when it is missing or would leave
    /// the root: percent-decoding happens once, then "..", NUL and backslashes are refused, and the
    /// resolved real path (symbolic links followed) must still lie inside the root.
    func file(for requestPath: String) -> String? {
        guard let decoded = requestPath.removingPercentEncoding, !decoded.contains("\0"), !decoded.contains("\\") else {
            return nil
        }
        let parts = decoded.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") }) else { return nil }
        let relative = parts.isEmpty ? "index.html" : parts.joined(separator: "/")
        guard let resolved = realpath(root + "/" + relative, nil) else { return nil }
        defer { free(resolved) }
        let path = String(cString: resolved)
        guard path.hasPrefix(root + "/") else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
        return path
    }

    /// Sent with every file: the dashboard may load only its own files and talk only to this server,
    /// may not be framed by another site, and its files are not sniffed as another type.
    static let securityHeaders = "content-security-policy: default-src 'self'; connect-src 'self'; img-src 'self'; "
        + "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'\r\n"
        + "x-content-type-options: nosniff\r\nreferrer-policy: no-referrer\r\ncache-control: no-cache\r\n"

    static func mimeType(for path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "html": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "ico": return "image/x-icon"
        case "woff2": return "font/woff2"
        default: return "application/octet-stream"
        }
    }
}
