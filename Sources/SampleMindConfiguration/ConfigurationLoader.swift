import Foundation
import SampleMindValidation

/// The effective configuration: defaults < file < environment (`SAMPLEMIND_…`) < command line.
public struct LoadedConfiguration: Sendable {
    public private(set) var values: [String: ConfigurationValue] = [:]
    public private(set) var sources: [String: ConfigurationSource] = [:]
    public let filePath: String?

    init(filePath: String?) { self.filePath = filePath }

    mutating func set(_ path: String, _ value: ConfigurationValue, from source: ConfigurationSource) {
        values[path] = value
        sources[path] = source
    }

    public func string(_ path: String) -> String? {
        if case .string(let text)? = values[path] { return text }
        return nil
    }

    public func integer(_ path: String) -> Int {
        if case .integer(let value)? = values[path] { return value }
        preconditionFailure("\(path) is not an integer option")
    }

    public func number(_ path: String) -> Double {
        switch values[path] {
        case .number(let value)?: return value
        case .integer(let value)?: return Double(value)
        default: preconditionFailure("\(path) is not a number option")
        }
    }

    public func boolean(_ path: String) -> Bool {
        if case .boolean(let value)? = values[path] { return value }
        preconditionFailure("\(path) is not a boolean option")
    }

    public func strings(_ path: String) -> [String] {
        if case .strings(let list)? = values[path] { return list }
        return []
    }

    /// Every option with its effective value and where it came from, for `check-config`.
    public var report: String {
        DaemonOptions.all.map { option in
            "\(option.path) = \(shownValue(option.path))    # \(sources[option.path]?.description ?? "default")"
        }.joined(separator: "\n")
    }

    /// The value as `check-config` shows it: the token and the MQTT password never.
    private func shownValue(_ path: String) -> String {
        guard let value = values[path] else { return "(not set)" }
        if path == "mqtt.password" { return "(set, hidden)" }
        guard path == "server.token" else { return value.description }
        return values["server.token_file"] == nil ? "(set, hidden)" : "(set from server.token_file, hidden)"
    }
}

public enum ConfigurationLoader {
    /// Loads and checks everything. `overrides` are the command line's values by key path.
    public static func load(
        filePath: String?, environment: [String: String], overrides: [String: ConfigurationValue]
    ) throws(ConfigurationError) -> LoadedConfiguration {
        var loaded = LoadedConfiguration(filePath: filePath)
        for option in DaemonOptions.all {
            if let value = option.defaultValue { loaded.set(option.path, value, from: .defaults) }
        }
        if let filePath {
            let shown = PrintableText.escaped(filePath)
            let text: String
            do { text = try TextFile.read(filePath, maximumBytes: 1 << 20) } catch {
                switch error {
                case .unreadable(let reason): throw ConfigurationError("\(shown): cannot read the configuration file: \(reason)")
                case .tooLarge:
                    throw ConfigurationError("\(shown): the file is larger than 1 MiB, and a configuration file is a few kilobytes; check that this is the right file")
                case .notText(let line, let column, let problem): throw ConfigurationError("\(shown):\(line):\(column): \(problem)")
                }
            }
            for (path, value) in try parse(text, filePath: filePath) {
                loaded.set(path, value, from: .file)
            }
        }
        for option in DaemonOptions.all {
            guard let text = environment[option.environmentName] else { continue }
            guard let value = option.parse(text: text).flatMap(option.accept) else {
                throw ConfigurationError("environment variable \(option.environmentName)=\"\(PrintableText.escaped(text))\": \(option.path) must be \(option.expectation)")
            }
            loaded.set(option.path, value, from: .environment)
        }
        for (path, value) in overrides {
            guard let option = DaemonOptions.option(path) else { continue }
            guard let accepted = option.accept(value) else {
                throw ConfigurationError("command line: \(path) must be \(option.expectation), got \(value)")
            }
            loaded.set(path, accepted, from: .commandLine)
        }
        try readTokenFile(into: &loaded)
        try readMQTTPasswordFile(into: &loaded)
        try crossCheck(loaded)
        return loaded
    }

    /// `server.token_file`: the token is read from that file (trailing newline and spaces dropped)
    /// and becomes `server.token`, so the server, the report and a reload see one token. The
    /// token itself never appears in a message.
    static func readTokenFile(into loaded: inout LoadedConfiguration) throws(ConfigurationError) {
        guard let path = loaded.string("server.token_file") else { return }
        if loaded.string("server.token") != nil {
            let token = origin(loaded.sources["server.token"]), file = origin(loaded.sources["server.token_file"])
            throw ConfigurationError("server.token and server.token_file are both set (server.token by \(token), server.token_file by \(file)); use one: server.token_file keeps the token off the command line and out of the configuration")
        }
        let line = try SecretFile.line(at: path, option: "server.token_file", what: "token")
        let token = String(line.reversed().drop(while: \.isWhitespace).reversed())
        guard isUsableToken(token) else {
            throw ConfigurationError("server.token_file \"\(PrintableText.escaped(path))\": the token in the file must be at least 8 characters without spaces, on one line")
        }
        loaded.set("server.token", .string(token), from: loaded.sources["server.token_file"] ?? .file)
    }

    /// `mqtt.password_file`: the password is read from that file (trailing newline dropped) and
    /// becomes `mqtt.password`. The password never appears in a message.
    static func readMQTTPasswordFile(into loaded: inout LoadedConfiguration) throws(ConfigurationError) {
        guard let path = loaded.string("mqtt.password_file") else { return }
        if loaded.string("mqtt.password") != nil {
            throw ConfigurationError("mqtt.password and mqtt.password_file are both set; use one: mqtt.password_file keeps the password out of the configuration")
        }
        let password = try SecretFile.line(at: path, option: "mqtt.password_file", what: "password")
        loaded.set("mqtt.password", .string(password), from: loaded.sources["mqtt.password_file"] ?? .file)
    }

    /// A bearer token the server accepts: at least 8 characters, no whitespace (it travels in a header and a URL).
    public static func isUsableToken(_ token: String) -> Bool {
        token.count >= 8 && !token.contains(where: \.isWhitespace)
    }

    private static func origin(_ source: ConfigurationSource?) -> String {
        switch source {
        case .environment?: return "the environment"
        case .commandLine?: return "the command line"
        default: return "the configuration file"
        }
    }

    /// Checks that involve more than one option.
    static func crossCheck(_ loaded: LoadedConfiguration) throws(ConfigurationError) {
        if loaded.string("input.kind") == "file", loaded.string("input.file.path") == nil {
            throw ConfigurationError("input.kind is \"file\" but input.file.path is not set; name the sound file")
        }
        if let token = loaded.string("server.token"), !isUsableToken(token) {
            throw ConfigurationError("server.token must be at least 8 characters without spaces")
        }
    }

    /// The file's values by key path, each checked against its option.
    static func parse(_ text: String, filePath: String) throws(ConfigurationError) -> [(String, ConfigurationValue)] {
        let shown = PrintableText.escaped(filePath)
        let entries: [TOMLReader.Entry]
        do { entries = try TOMLReader.read(text) } catch {
            throw ConfigurationError("\(shown):\(error.line):\(error.column): \(PrintableText.escaped(error.message)); fix the TOML syntax there")
        }
        var found: [(String, ConfigurationValue)] = []
        for entry in entries {
            let path = entry.path.joined(separator: ".")
            let location = "\(shown):\(entry.line)"
            // A quoted key holding a dot is not the dotted path it looks like.
            guard !entry.path.contains(where: { $0.contains(".") || $0.isEmpty }) else { throw unknown(path, at: location) }
            guard let written = entry.value else {
                guard DaemonOptions.all.contains(where: { $0.path.hasPrefix(path + ".") }) else { throw unknown(path, at: location) }
                continue
            }
            guard let option = DaemonOptions.option(path) else { throw unknown(path, at: location) }
            let value = configurationValue(written)
            guard let value, let accepted = option.accept(value) else {
                let seen = value.map { ", not \($0)" } ?? ", not \(describe(written))"
                throw ConfigurationError("\(location): \(PrintableText.escaped(path)) must be \(option.expectation)\(seen)")
            }
            found.append((path, accepted))
        }
        return found
    }

    private static func configurationValue(_ value: TOMLReader.Value) -> ConfigurationValue? {
        switch value {
        case .string(let text): return .string(text)
        case .integer(let number): return .integer(number)
        case .float(let number): return .number(number)
        case .boolean(let flag): return .boolean(flag)
        case .list(let items):
            let strings = items.compactMap { if case .string(let text) = $0 { text } else { nil } }
            return strings.count == items.count ? .strings(strings) : nil
        }
    }

    private static func describe(_ value: TOMLReader.Value) -> String {
        if case .list = value { return "a list with other things than strings in it" }
        return "that kind of value"
    }

    private static func unknown(_ path: String, at location: String) -> ConfigurationError {
        var message = "\(location): unknown key \(PrintableText.escaped(path))"
        if let guess = closestOption(to: path) { message += "; did you mean \(guess)?" }
        return ConfigurationError(message + " (samplemind check-config lists every option)")
    }

    /// The option path a typo most likely meant: the fewest edits, at most a third of its length.
    static func closestOption(to path: String) -> String? {
        let candidates = Set(DaemonOptions.all.flatMap { option -> [String] in
            let parts = option.path.split(separator: ".")
            return (1...parts.count).map { parts.prefix($0).joined(separator: ".") }
        })
        var best: (path: String, distance: Int)?
        for candidate in candidates.sorted() {
            let distance = editDistance(candidate, path)
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance > 0, best.distance <= max(2, path.count / 3) else { return nil }
        return best.path
    }

    /// Levenshtein distance between two strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let deletion = previous[j] + 1
                let insertion = current[j - 1] + 1
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(deletion, min(insertion, substitution))
            }
            previous = current
        }
        return previous[b.count]
    }
}
