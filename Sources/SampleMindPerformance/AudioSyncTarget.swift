/// Where WLED Audio Sync packets go: WLED's multicast group by default, or `HOST:PORT` unicast
/// targets (`192.168.1.40:11988`, `[fd00::7]:11988`). Hosts are resolved once, at start-up.
public struct AudioSyncTarget: Sendable, Equatable, CustomStringConvertible {
    /// WLED's default group and port, the ones its receivers join.
    public static let multicast = AudioSyncTarget(host: "239.0.0.1", port: 11_988)

    public let host: String
    public let port: Int

    public var description: String { "\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses one entry of `wled.targets`.
    public static func parse(_ text: String) -> Result<AudioSyncTarget, AudioSyncError> {
        let host: Substring, portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[close...].dropFirst().drop { $0 == ":" }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            return .failure(AudioSyncError("wled.targets entry \"\(text)\" needs a port: HOST:PORT, e.g. 192.168.1.40:11988"))
        }
        guard !host.isEmpty else { return .failure(AudioSyncError("wled.targets entry \"\(text)\" has no host: HOST:PORT, e.g. 192.168.1.40:11988")) }
        guard let port = Int(portText), (1...65_535).contains(port) else {
            return .failure(AudioSyncError("wled.targets entry \"\(text)\": the port must be a number from 1 to 65535 (WLED listens on 11988)"))
        }
        return .success(AudioSyncTarget(host: String(host), port: port))
    }

    /// The target's socket address, looked up now.
    func resolve() -> Result<SocketAddress, AudioSyncError> {
        SocketAddress.resolve(host: host, port: port).mapError {
            AudioSyncError("cannot find WLED host \"\(host)\" (\($0.description)); check the name in wled.targets, or use its IP address")
        }
    }
}

/// A WLED Audio Sync configuration or network problem, in words for the person who set it up.
public struct AudioSyncError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
