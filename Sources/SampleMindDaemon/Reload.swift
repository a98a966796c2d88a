import SampleMindLog
import SampleMindCapture
import SampleMindConfiguration
import SampleMindStreaming

/// SIGHUP: the configuration read again and what can change without touching audio applied.
enum Reload {
    /// Options SIGHUP applies to the running daemon; any other change needs a restart.
    static let reloadable: Set<String> = [
        "log.level", "log.format", "server.token", "server.token_file", "server.allowed_origins", "server.allowed_hosts",
        "server.max_clients", "server.client_timeout_s",
    ]

    /// SIGHUP: reads the configuration again, applies what can change without touching audio,
    /// and says what it applied and what needs a restart. A bad file changes nothing.
    static func apply(_ current: inout LoadedConfiguration, reloadOptions: () throws -> LoadedConfiguration, server: StreamServer?,
                      log: LogSink) {
        let updated: LoadedConfiguration
        do {
            updated = try reloadOptions()
        } catch {
            log(.error, "reload refused, the running configuration stays: \(error)")
            return
        }
        let changed = DaemonOptions.all.map(\.path).filter { current.values[$0] != updated.values[$0] }
        let applied = changed.filter(Self.reloadable.contains)
        let needRestart = changed.filter { !Self.reloadable.contains($0) }
        ConsoleLog.configure(level: updated.string("log.level") ?? "info", json: updated.string("log.format") == "json")
        if let server {
            do { try server.reload(StreamService.configuration(updated)) } catch {
                log(.error, "reload refused, the running configuration stays: \(error)")
                return
            }
        }
        log(.info, applied.isEmpty ? "reloaded the configuration: nothing to change" : "reloaded: \(applied.joined(separator: ", "))")
        if server != nil {
            for change in Self.accessChanges(from: current, to: updated) { log(.warning, change) }
        }
        current = updated
        if !needRestart.isEmpty {
            log(.warning, "not reloaded, restart to apply: \(needRestart.joined(separator: ", "))")
        }
    }

    /// What a reload changes about who may connect, for the log: an admin must see that a reload
    /// opened the server or locked clients out. The token itself is never put in the log.
    private static func accessChanges(from old: LoadedConfiguration, to new: LoadedConfiguration) -> [String] {
        var changes: [String] = []
        switch (old.string("server.token"), new.string("server.token")) {
        case (nil, _?):
            changes.append("reload: an access token is now required for /v1, /metrics and the stream; clients must send it")
        case (_?, nil):
            changes.append("reload: the access token was removed; /v1, /metrics and the stream are now open to anyone who can reach the port")
        case (let before?, let after?) where before != after:
            changes.append("reload: the access token changed; clients must use the new one")
        default:
            break
        }
        for (path, name) in [("server.allowed_origins", "allowed origins"), ("server.allowed_hosts", "allowed hosts")] {
            let before = ConfigurationValue.strings(old.strings(path)), after = ConfigurationValue.strings(new.strings(path))
            if before != after { changes.append("reload: \(name) changed: \(before) → \(after)") }
        }
        return changes
    }
}
