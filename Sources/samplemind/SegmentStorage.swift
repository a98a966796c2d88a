import Foundation
import SampleMindCapture
import SampleMindConfiguration
import SampleMindEngine
import SampleMindProtocol
import SampleMindStorage
import SampleMindStreaming
import SampleMindValidation

/// Sets up the storage thread for `serve`: where the database lives, the session row, and the
/// `segment` events it sends to the stream once a segment is stored.
enum SegmentStorage {
    /// `storage.path`, else $STATE_DIRECTORY (systemd), else the user's data directory.
    static func databasePath(_ options: LoadedConfiguration, environment: [String: String]) -> String {
        if let path = options.string("storage.path") { return path }
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first { return "\(state)/samplemind.db" }
        let data = environment["XDG_DATA_HOME"] ?? "\(NSHomeDirectory())/.local/share"
        return "\(data)/samplemind/samplemind.db"
    }

    static func start(
        _ options: LoadedConfiguration, environment: [String: String], engine: LiveEngine, input: String,
        server: @escaping @Sendable () -> StreamServer?, log: @escaping LogSink
    ) throws(StorageError) -> StorageWriter {
        let path = databasePath(options, environment: environment)
        let store = try SegmentStore(path: path)
        let session = try store.startSession(wallClock: Date().timeIntervalSince1970, input: input, sampleRate: nil,
                                             settings: options.report)
        let queue = engine.addConsumer(name: "storage", capacity: 16_384)
        let segmenter = Segmenter(maximumSeconds: options.number("storage.segment_max_s"),
                                  minimumSeconds: options.number("storage.segment_min_s"))
        let retention = Retention(maximumAgeSeconds: options.number("storage.retention_days") * 86_400,
                                  maximumBytes: Int(options.number("storage.max_size_mb") * 1_048_576))
        let writer = StorageWriter(store: store, path: path, session: session, queue: queue, segmenter: segmenter, retention: retention,
                                   announce: { segment in server()?.broadcast(eventJSON: SegmentJSON.event(segment)) },
                                   log: { log(.warning, $0) })
        log(.info, "storing segments in \(PrintableText.escaped(path)) (session \(session))")
        return writer
    }
}
