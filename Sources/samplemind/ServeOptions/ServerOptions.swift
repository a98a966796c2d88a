import ArgumentParser
import SampleMindConfiguration

struct ServerOptions: ServeOptionGroup {
    @Option(help: "Address for the WebSocket stream, HTTP API and dashboard (127.0.0.1: this machine only). [server.host]")
    var host: String?

    @Option(help: "TCP port for the stream, API and dashboard (0 picks a free one and logs it). [server.port]")
    var port: Int?

    @Option(help: "Require this bearer token for the stream, /v1 and /metrics (other users can read it with ps; prefer --token-file). [server.token]")
    var token: String?

    @Option(help: "Read the bearer token from this file (a trailing newline is ignored; read again on reload). [server.token_file]")
    var tokenFile: String?

    @Option(name: .customLong("allow-origin"), help: "Also accept WebSocket connections from pages at this origin (repeatable). [server.allowed_origins]")
    var allowOrigins: [String] = []

    @Option(name: .customLong("allow-host"), help: "Also answer to this Host name (repeatable; needed when listening beyond localhost). [server.allowed_hosts]")
    var allowHosts: [String] = []

    @Option(help: "Most WebSocket subscribers at once. [server.max_clients]")
    var maxClients: Int?

    @Option(help: "Close a WebSocket client that has not read anything for this many seconds. [server.client_timeout_s]")
    var clientTimeout: Double?

    @Flag(help: "Do not start the network server (analysis and --print only). [server.enabled]")
    var noServer = false

    func overrides(into values: inout [String: ConfigurationValue]) {
        if let host { values["server.host"] = .string(host) }
        if let port { values["server.port"] = .integer(port) }
        if let token { values["server.token"] = .string(token) }
        if let tokenFile { values["server.token_file"] = .string(tokenFile) }
        if !allowOrigins.isEmpty { values["server.allowed_origins"] = .strings(allowOrigins) }
        if !allowHosts.isEmpty { values["server.allowed_hosts"] = .strings(allowHosts) }
        if let maxClients { values["server.max_clients"] = .integer(maxClients) }
        if let clientTimeout { values["server.client_timeout_s"] = .number(clientTimeout) }
        if noServer { values["server.enabled"] = .boolean(false) }
    }
}
