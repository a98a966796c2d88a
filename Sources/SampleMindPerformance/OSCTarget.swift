import Glibc

/// Where OSC messages go: `HOST:PORT`, optionally `@LEADms` for this target's own lead
/// (`127.0.0.1:9000`, `lights.local:7000@40ms`, `[::1]:9000`). The host is resolved once, at
/// start-up, so sending never waits for a name server.
public struct OSCTarget: Sendable, Equatable, CustomStringConvertible {
    public static let leadRange = 0...500

    public let host: String
    public let port: Int
    /// How much earlier than the beat its message leaves, in milliseconds.
    public let leadMilliseconds: Int

    public var description: String { "\(host.contains(":") ? "[\(host)]" : host):\(port)" + (leadMilliseconds > 0 ? "@\(leadMilliseconds)ms" : "") }

    public init(host: String, port: Int, leadMilliseconds: Int) {
        self.host = host
        self.port = port
        self.leadMilliseconds = leadMilliseconds
    }

    /// Parses `text`; `defaultLead` applies when it names no lead of its own.
    public static func parse(_ text: String, defaultLead: Int) -> Result<OSCTarget, OSCError> {
        var address = Substring(text)
        var lead = defaultLead
        if let at = text.lastIndex(of: "@") {
            let leadText = text[text.index(after: at)...]
            let digits = leadText.hasSuffix("ms") ? leadText.dropLast(2) : leadText
            guard let value = Int(digits), leadRange.contains(value) else {
                return .failure(OSCError("OSC target \"\(text)\": the lead after @ must be 0 to 500 ms, e.g. \(text[..<at])@20ms"))
            }
            lead = value
            address = text[..<at]
        }
        let host: Substring, portText: Substring
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            host = address[address.index(after: address.startIndex)..<close]
            portText = address[close...].dropFirst().drop { $0 == ":" }
        } else if let colon = address.lastIndex(of: ":") {
            host = address[..<colon]
            portText = address[address.index(after: colon)...]
        } else {
            return .failure(OSCError("OSC target \"\(text)\" needs a port: HOST:PORT, e.g. 127.0.0.1:9000"))
        }
        guard !host.isEmpty else { return .failure(OSCError("OSC target \"\(text)\" has no host: HOST:PORT, e.g. 127.0.0.1:9000")) }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            return .failure(OSCError("OSC target \"\(text)\": the port must be a number from 1 to 65535"))
        }
        return .success(OSCTarget(host: String(host), port: port, leadMilliseconds: lead))
    }

    /// The target's socket address, looked up now (numeric addresses need no name server).
    public func resolve() -> Result<SocketAddress, OSCError> {
        SocketAddress.resolve(host: host, port: port).mapError {
            OSCError("cannot find OSC target host \"\(host)\" (\($0.description)); check the name, or use its IP address")
        }
    }
}

/// An OSC configuration or network problem, in words for the person who set it up.
public struct OSCError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
