import SampleMindOutputs
import Foundation
import SampleMindRealtime
import SampleMindValidation
import Synchronization

/// The storage thread: takes every engine output from its own queue, cuts segments and writes
/// them. The analysis never waits for it; if it falls behind, its queue drops (counted). When a
/// write fails (disk full, read-only file) it keeps a bounded backlog, reports storage as
/// degraded, and writes the backlog when it can again; nothing it held is lost unless the backlog
/// overflows (counted).
public final class StorageWriter: @unchecked Sendable {
    public static let backlogLimit = 10_000
    public static let retrySeconds = 5.0
    public static let retentionIntervalSeconds = 60.0

    public let path: String
    private let store: SegmentStore
    private let session: Int64
    private let queue: OutputQueue
    private var segmenter: Segmenter
    private let announce: @Sendable (Segment) -> Void
    private let log: @Sendable (String) -> Void
    private let worker = WorkerThread()
    private var backlog: [Segment] = []
    private var lastFailureAt = -Double.infinity
    private var failing = false
    private let retention: Retention
    private var lastRetentionAt = -Double.infinity
    public let segmentsExpired = Atomic<Int>(0)

    public let segmentsStored = Atomic<Int>(0)
    public let writeFailures = Atomic<Int>(0)
    public let segmentsLost = Atomic<Int>(0)
    public let backlogCount = Atomic<Int>(0)
    /// The last error while failing (read for /health); empty when writes succeed.
    private let lastError = Mutex<String>("")

    public init(store: SegmentStore, path: String, session: Int64, queue: OutputQueue, segmenter: Segmenter, retention: Retention,
                announce: @escaping @Sendable (Segment) -> Void, log: @escaping @Sendable (String) -> Void) {
        self.retention = retention
        self.store = store
        self.path = path
        self.session = session
        self.queue = queue
        self.segmenter = segmenter
        self.announce = announce
        self.log = log
    }

    /// Why storage is degraded, or nil while it writes.
    public var problem: String? {
        let text = lastError.withLock { $0 }
        return text.isEmpty ? nil : text
    }

    public func start() {
        worker.start { [self] in
            while !worker.isStopping {
                _ = queue.wake.wait(timeout: 0.2)
                drain()
            }
            drain()
            write(segmenter.finish())
        }
    }

    /// Writes what is queued and the open segment, then stops. Call after the engine has stopped.
    public func stop() {
        worker.stop(waking: queue.wake)
    }

    private func drain() {
        var decided: [Segment] = []
        while let output = queue.pop() { decided += segmenter.add(output) }
        write(decided)
        let now = MonotonicClock.seconds()
        if !failing, now - lastRetentionAt >= Self.retentionIntervalSeconds {
            lastRetentionAt = now
            if let deleted = try? retention.apply(to: store, now: Date().timeIntervalSince1970) {
                segmentsExpired.add(deleted, ordering: .relaxed)
            }
        }
    }

    private func write(_ segments: [Segment]) {
        backlog += segments
        if backlog.count > Self.backlogLimit {
            segmentsLost.add(backlog.count - Self.backlogLimit, ordering: .relaxed)
            backlog.removeFirst(backlog.count - Self.backlogLimit)
        }
        backlogCount.store(backlog.count, ordering: .relaxed)
        let now = MonotonicClock.seconds()
        guard !backlog.isEmpty, !failing || now - lastFailureAt >= Self.retrySeconds || worker.isStopping else { return }
        while let segment = backlog.first {
            do {
                var stored = segment
                stored.id = try store.insert(segment, session: session)
                stored.sessionID = session
                // Announced (stream, MQTT) with the database's instance id, so a collector can tell
                // this database's segment 7 from another's.
                stored.instance = store.instanceID
                backlog.removeFirst()
                segmentsStored.add(1, ordering: .relaxed)
                announce(stored)
            } catch {
                writeFailures.add(1, ordering: .relaxed)
                lastFailureAt = now
                if !failing {
                    log("cannot write segments to \(PrintableText.escaped(path)): \(error); analysis and streaming go on, segments wait in memory (up to \(Self.backlogLimit)) and are written when it works again")
                }
                failing = true
                lastError.withLock { $0 = "storage failing: \(error)" }
                break
            }
        }
        if backlog.isEmpty, failing {
            failing = false
            lastError.withLock { $0 = "" }
            log("writing segments to \(PrintableText.escaped(path)) again; the backlog is stored")
        }
        backlogCount.store(backlog.count, ordering: .relaxed)
    }
}
