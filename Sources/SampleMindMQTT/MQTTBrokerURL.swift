import SampleMindValidation

/// Where the broker is: `mqtt://HOST[:PORT]` (plain TCP, port 1883 by default) or
/// `mqtts://HOST[:PORT]` (TLS, port 8883 by default); an IPv6 host in brackets.
///
/// Not real-time safe: parsed once, during set-up.
public struct MQTTBrokerURL: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let usesTLS: Bool

    /// Parses `text`; the error names `mqtt.url` and says what a good URL looks like.
    public static func parse(_ text: String) -> Result<MQTTBrokerURL, MQTTError> {
        let shown = "\"\(PrintableText.escaped(text))\""
        func refuse(_ why: String) -> Result<MQTTBrokerURL, MQTTError> {
            .failure(MQTTError(key: "mqtt.url", "\(shown) \(why); write mqtt://HOST[:PORT] or mqtts://HOST[:PORT], e.g. mqtt://127.0.0.1:1883"))
        }
        let usesTLS: Bool
        var rest: Substring
        if text.hasPrefix("mqtt://") {
            usesTLS = false
            rest = text.dropFirst("mqtt://".count)
        } else if text.hasPrefix("mqtts://") {
            usesTLS = true
            rest = text.dropFirst("mqtts://".count)
        } else {
            return refuse("does not start with mqtt:// or mqtts://")
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains(where: { $0 == "/" || $0 == "@" || $0 == "?" || $0 == "#" || $0.isWhitespace }) else {
            return refuse("has a path, user name, query or spaces, which the broker URL does not take (credentials go in mqtt.username and mqtt.password_file)")
        }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return refuse("has an unclosed [ around an IPv6 address") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            guard host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return refuse("has something other than an IPv6 address in brackets")
            }
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return refuse("has text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else {
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return refuse("has more than one ':' (put an IPv6 address in brackets)") }
            host = parts[0]
            if parts.count == 2 { portText = parts[1] }
        }
        // A name or an IPv4 address: letters, digits, '-', '.' and '_' (an IPv6 address has been checked above).
        guard !host.isEmpty, host.utf8.count <= 253,
              host.contains(":") || host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }) else {
            return refuse("has no host, or a host that is not a name or address")
        }
        var port = usesTLS ? 8883 : 1883
        if let portText {
            guard let number = CheckedNumber.wholeNumber(parsing: portText, in: 1...65_535) else {
                return refuse("has a port that is not a number from 1 to 65535")
            }
            port = number
        }
        return .success(MQTTBrokerURL(host: String(host), port: port, usesTLS: usesTLS))
    }

    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "\(usesTLS ? "mqtts" : "mqtt")://\(shownHost):\(port)"
    }
}
