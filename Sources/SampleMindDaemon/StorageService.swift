import SampleMindOutputs
import SampleMindLog
import Foundation
import SampleMindCapture
import SampleMindConfiguration
import SampleMindEngine
import SampleMindProtocol
import SampleMindStorage
import SampleMindValidation

/// Segment storage: the database opened at start (a session row for this run), the storage
/// thread cutting and writing segments, and the database closed at stop, after the open segment
/// is written. `announce` tells the stream about each stored segment.
final class StorageService: DaemonService {
    let name = "storage"
    let role = ServiceRole.storage
    let path: String
    private let queue: OutputQueue
    private let options: LoadedConfiguration
    private let inputDescription: String
    private let announce: @Sendable (Segment) -> Void
    private let log: LogSink
    /// Set by ``start()`` before the stream server starts; read by the status report from then on.
    private(set) var writer: StorageWriter?

    /// Registers the storage queue with the engine; opens nothing yet.
    init(_ options: LoadedConfiguration, environment: [String: String], engine: LiveEngine, inputDescription: String,
         announce: @escaping @Sendable (Segment) -> Void, log: @escaping LogSink) {
        path = DatabaseLocation.path(options, environment: environment)
        queue = engine.addConsumer(name: "storage", capacity: 16_384)
        self.options = options
        self.inputDescription = inputDescription
        self.announce = announce
        self.log = log
    }

    func start() throws {
        let store = try SegmentStore(path: path)
        let session = try store.startSession(wallClock: Date().timeIntervalSince1970, input: inputDescription, sampleRate: nil,
                                             settings: options.report)
        let segmenter = Segmenter(maximumSeconds: options.number("storage.segment_max_s"),
                                  minimumSeconds: options.number("storage.segment_min_s"))
        let retention = Retention(maximumAgeSeconds: options.number("storage.retention_days") * 86_400,
                                  maximumBytes: Int(options.number("storage.max_size_mb") * 1_048_576))
        let log = self.log
        let writer = StorageWriter(store: store, path: path, session: session, queue: queue, segmenter: segmenter, retention: retention,
                                   announce: announce, log: { log(.warning, $0) })
        writer.start()
        self.writer = writer
        log(.info, "storing segments in \(PrintableText.escaped(path)) (session \(session))")
    }

    /// Writes the open segment and everything queued and ends the storage thread. The database
    /// closes when the daemon lets go of the writer (the status readers may still ask it for counts).
    func stop() {
        writer?.stop()
    }
}
