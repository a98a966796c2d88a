import ArgumentParser
import Foundation
import SampleMindConfiguration
import SampleMindDaemon
import SampleMindMQTT
import SampleMindValidation

/// `samplemind collect`: every room's segments from an MQTT broker into one database, served with
/// the same read API as `serve` (plus a `room` filter).
struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Store every room's segments from an MQTT broker in one database and serve them (GET /v1/segments?room=…).",
        discussion: """
            Subscribes to samplemind/+/segment. Each segment is stored once (a message delivered twice is one row),
            with its room, its daemon's instance id and its id there. Malformed or oversized messages are refused and
            counted (samplemind_collector_messages_refused_total in /metrics). SIGINT or SIGTERM stop it.
            Exit status: 0 when stopped by a signal, 78 when an option cannot work, 69 when the port is in use.
            """
    )

    @Option(help: "The broker: mqtt://HOST[:PORT] or mqtts://HOST[:PORT].") var mqtt: String
    @Option(help: "The SQLite file to collect into (created, or upgraded to schema version 3).") var db: String
    @Option(help: "The HTTP port of the segment API (0: any free port).") var port: Int
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "A bearer token the API requires (Authorization: Bearer …); --token-file keeps it out of the process list.")
    var token: String?
    @Option(help: "The API's bearer token, read from this file (one line).") var tokenFile: String?
    @Option(help: "The user name for the broker.") var mqttUsername: String?
    @Option(help: "The broker password, read from this file (one line; never logged).") var mqttPasswordFile: String?
    @Option(help: "For mqtts://: the PEM file of the CA that signed the broker's certificate (default: the system's CAs).")
    var mqttCaFile: String?
    @Option(help: "The MQTT client id (default: samplemind-collector-<process id>).") var clientID: String?

    func validate() throws {
        if token != nil, tokenFile != nil { throw ValidationError("--token and --token-file are both given; use one (--token-file keeps the token out of the process list)") }
        if let token, !ConfigurationLoader.isUsableToken(token) {
            throw ValidationError("--token must be at least 8 characters without spaces")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        if case .failure(let error) = MQTTBrokerURL.parse(mqtt) { throw ValidationError("--mqtt: \(error.message)") }
        if let clientID, clientID.isEmpty || clientID.utf8.count > 65_535
            || clientID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--client-id must be 1 to 65535 bytes without control characters")
        }
    }

    func run() throws {
        guard case .success(let broker) = MQTTBrokerURL.parse(mqtt) else { throw ExitCode(78) }
        var options = SegmentCollector.Options(broker: broker, databasePath: db, port: port,
                                               clientID: clientID ?? "samplemind-collector-\(getpid())")
        options.host = host
        options.username = mqttUsername
        do {
            options.token = try tokenFile.map { try SecretFile.line(at: $0, option: "--token-file", what: "token") } ?? token
            options.password = try mqttPasswordFile.map { try SecretFile.line(at: $0, option: "--mqtt-password-file", what: "password") }
            if let caFile = mqttCaFile {
                if let problem = CAFile.problem(with: caFile) { throw ConfigurationError("--mqtt-ca-file: \(problem)") }
                options.caFile = caFile
            }
        } catch {
            StandardError.write("samplemind: \(error)")
            throw ExitCode(ConfigurationError.exitStatus)
        }
        do {
            try SegmentCollector(options: options).run()
        } catch let error as DaemonError {
            StandardError.write("samplemind: \(error)")
            throw ExitCode(error.exitStatus)
        } catch {
            StandardError.write("samplemind: \(error)")
            throw ExitCode(78)
        }
    }
}
