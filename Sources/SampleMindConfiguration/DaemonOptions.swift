/// Every option the daemon takes, with its default. config/samplemind.toml documents the same
/// list (a test checks that the two agree).
public enum DaemonOptions {
    public static let all: [ConfigurationOption] = [
        .init(path: "input.kind", kind: .string(allowed: ["auto", "jack", "alsa", "file"]), defaultValue: .string("auto"),
              help: "where audio comes from: auto (JACK, else ALSA, else the demo music from a terminal), jack, alsa or file"),
        .init(path: "input.channels", kind: .integer(1...32), defaultValue: .integer(2), help: "channels to capture"),
        .init(path: "input.file.path", kind: .string(allowed: nil), defaultValue: nil, help: "sound file for the file input"),
        .init(path: "input.file.loop", kind: .boolean, defaultValue: .boolean(false), help: "play the file again and again"),
        .init(path: "input.file.speed", kind: .number(0...10_000), defaultValue: .number(1),
              help: "times faster than real time (0: as fast as the analysis goes)"),
        .init(path: "input.alsa.device", kind: .string(allowed: nil), defaultValue: .string("default"),
              help: "ALSA capture device (default, hw:1,0, plughw:…)"),
        .init(path: "input.alsa.sample_rate", kind: .integer(8_000...192_000), defaultValue: .integer(48_000), help: "rate to ask ALSA for"),
        .init(path: "input.alsa.period_frames", kind: .integer(16...16_384), defaultValue: .integer(256), help: "ALSA period to ask for"),
        .init(path: "input.jack.client_name", kind: .string(allowed: nil), defaultValue: .string("samplemind"), help: "JACK client name"),
        .init(path: "input.jack.connect", kind: .strings, defaultValue: .strings([]),
              help: "JACK output port patterns to connect to our inputs, e.g. [\"system:capture_.*\"]"),
        .init(path: "analysis.realtime_priority", kind: .integer(0...99), defaultValue: .integer(70),
              help: "SCHED_FIFO priority of the analysis thread; 0 for normal scheduling"),
        .init(path: "server.enabled", kind: .boolean, defaultValue: .boolean(true), help: "run the stream, API and dashboard"),
        .init(path: "server.host", kind: .string(allowed: nil), defaultValue: .string("127.0.0.1"),
              help: "address to listen on (127.0.0.1: this machine only; ::1 for IPv6)"),
        .init(path: "server.port", kind: .integer(0...65_535), defaultValue: .integer(8080), help: "TCP port (0 picks a free one)"),
        .init(path: "server.token", kind: .string(allowed: nil), defaultValue: nil,
              help: "bearer token for the stream, /v1 and /metrics (at least 8 characters)"),
        .init(path: "server.allowed_origins", kind: .strings, defaultValue: .strings([]), help: "other pages allowed to open the stream"),
        .init(path: "server.allowed_hosts", kind: .strings, defaultValue: .strings([]), help: "other Host names to answer to"),
        .init(path: "server.max_clients", kind: .integer(1...100_000), defaultValue: .integer(1_000), help: "most subscribers at once"),
        .init(path: "server.client_timeout_s", kind: .number(1...3_600), defaultValue: .number(10),
              help: "close a subscriber that has read nothing for this long"),
        .init(path: "storage.enabled", kind: .boolean, defaultValue: .boolean(true), help: "store each stretch of music as a segment"),
        .init(path: "storage.path", kind: .string(allowed: nil), defaultValue: nil,
              help: "the SQLite file (default: $STATE_DIRECTORY/samplemind.db under systemd, else ~/.local/share/samplemind/samplemind.db)"),
        .init(path: "storage.segment_max_s", kind: .number(2...600), defaultValue: .number(10), help: "longest segment"),
        .init(path: "storage.segment_min_s", kind: .number(0.5...60), defaultValue: .number(2), help: "shortest segment cut at a musical boundary"),
        .init(path: "log.level", kind: .string(allowed: ["debug", "info", "warning", "error"]), defaultValue: .string("info"),
              help: "least important messages logged"),
        .init(path: "log.format", kind: .string(allowed: ["text", "json"]), defaultValue: .string("text"),
              help: "text for people, json for log collectors"),
    ]

    public static func option(_ path: String) -> ConfigurationOption? { all.first { $0.path == path } }
}
