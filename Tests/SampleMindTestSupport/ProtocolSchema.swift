import Foundation

/// docs/protocol.schema.json, checked by a real JSON Schema validator: Debian's
/// python3-jsonschema (Draft 2020-12), run by `/usr/bin/python3` as a child process with
/// validate-protocol-messages.py beside this file.
public enum ProtocolSchema {
    public struct ValidatorMissing: Error, CustomStringConvertible {
        public let description: String
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let schema = repository.appendingPathComponent("docs/protocol.schema.json")
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("validate-protocol-messages.py")
    static let python = "/usr/bin/python3"

    /// The `type` of every server message the schema defines (the definitions built on `stamped`).
    public static func serverMessageTypes() throws -> Set<String> {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: schema)) as? [String: Any]
        let definitions = root?["$defs"] as? [String: [String: Any]] ?? [:]
        return Set(definitions.values.compactMap { definition -> String? in
            let stamped = (definition["allOf"] as? [[String: String]])?.contains(["$ref": "#/$defs/stamped"]) ?? false
            return stamped ? ((definition["properties"] as? [String: Any])?["type"] as? [String: Any])?["const"] as? String : nil
        })
    }

    /// What the validator finds wrong with `messages` (JSON texts as the server sends them, `seq`
    /// first), one sentence each; empty when every message matches its type's definition and has
    /// no field the schema does not name. Throws when the validator is not installed: the test
    /// suite installs it, so a missing one is a failure, not a reason to skip.
    public static func violations(of messages: [String]) throws -> [String] {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ValidatorMissing(description: "\(python) is missing: run scripts/install-dependencies --for-tests as root")
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("protocol-messages-\(UUID().uuidString).jsonl")
        try Data(messages.map { $0 + "\n" }.joined().utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, schema.path, input.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Its findings are read to the end before waiting, so a long list never blocks it on a
        // full pipe (standard error carries a line or a traceback at most).
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let complaints = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0: return []
        case 1: return printed.split(separator: "\n").map(String.init)
        case 2: throw ValidatorMissing(description: complaints.trimmingCharacters(in: .whitespacesAndNewlines))
        default:
            return ["the validator failed (status \(process.terminationStatus)): \(complaints)\(printed)"]
        }
    }
}
