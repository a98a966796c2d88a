import CSQLite
import Foundation

/// Sessions and segments in one SQLite file (WAL). The storage thread writes through one store;
/// readers (the HTTP API, the command line) open their own.
public final class SegmentStore {
    public let database: SQLiteDatabase
    private let insertSegment: Statement?
    /// This database's random id (32 hex digits), made once when it reached schema version 3: the
    /// `instance` its daemon's segment messages carry, so that a collector tells databases apart.
    public let instanceID: String

    /// Opens an existing database to read (the HTTP API, the command line): no migration, no writes.
    public init(readingFrom path: String) throws(StorageError) {
        database = try SQLiteDatabase(path: path, readOnly: true)
        let version = try Schema.checkVersion(database)
        guard version == Schema.currentVersion else {
            throw StorageError("\(database.printablePath) has schema version \(version); start the daemon once to upgrade it")
        }
        insertSegment = nil
        instanceID = try Self.readInstanceID(database)
    }

    /// Opens (creating) the file, switches to WAL and migrates it to the current schema.
    public init(path: String) throws(StorageError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
                throw StorageError("\(directory): cannot create the database's folder (\(error.localizedDescription))")
            }
        }
        database = try SQLiteDatabase(path: path)
        try Schema.checkVersion(database)
        try database.execute("PRAGMA journal_mode = WAL")
        try database.execute("PRAGMA synchronous = NORMAL")
        try database.execute("PRAGMA foreign_keys = ON")
        try Schema.migrate(database)
        instanceID = try Self.readInstanceID(database)
        // A collected segment already stored (same instance and source id) is skipped; the
        // database's own segments have NULL there, which never conflicts.
        insertSegment = try database.prepare("""
            INSERT INTO segments (session_id, start_t, end_t, start_wall, end_wall, tempo_bpm, tempo_confidence, beat_count,
                key, key_confidence, loudness_lufs, loudness_range_lu, peak_dbfs, onset_rate, centroid_hz, rolloff_hz, flatness,
                chroma, mfcc, close_reason, room, instance, source_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (instance, source_id) DO NOTHING
            """)
    }

    private static func readInstanceID(_ database: SQLiteDatabase) throws(StorageError) -> String {
        let statement = try database.prepare("SELECT id FROM instance LIMIT 1")
        guard try statement.step(), let id = statement.text(0) else {
            throw StorageError("\(database.printablePath) has no instance id (its instance table is empty); it was changed by hand — restore it from a backup")
        }
        return id
    }

    /// Starts a session (one per daemon run) and returns its id.
    public func startSession(wallClock: Double, input: String, sampleRate: Double?, settings: String) throws(StorageError) -> Int64 {
        let statement = try database.prepare("INSERT INTO sessions (started_wall, input, sample_rate, settings) VALUES (?, ?, ?, ?)")
        try statement.bind([.real(wallClock), .text(input), sampleRate.map { .real($0) } ?? .null, .text(settings)])
        try statement.step()
        return database.lastInsertedRow
    }

    /// Stores a segment and returns its id.
    @discardableResult
    public func insert(_ segment: Segment, session: Int64) throws(StorageError) -> Int64 {
        guard try write(segment, session: session) else {
            throw StorageError("\(database.printablePath): segment \(segment.sourceID ?? 0) of instance \(segment.instance ?? "") is already stored")
        }
        return database.lastInsertedRow
    }

    /// Stores a segment collected from another daemon (``Segment/room``, ``Segment/instance`` and
    /// ``Segment/sourceID`` set) and returns its id here, or nil when that instance's segment is
    /// already stored (a redelivered message).
    public func insertCollected(_ segment: Segment, session: Int64) throws(StorageError) -> Int64? {
        guard segment.instance != nil, segment.sourceID != nil else {
            throw StorageError("a collected segment needs its instance and source id")
        }
        return try write(segment, session: session) ? database.lastInsertedRow : nil
    }

    /// True when a row was added, false when the unique key already held it.
    private func write(_ segment: Segment, session: Int64) throws(StorageError) -> Bool {
        guard let insertSegment else { throw StorageError("\(database.printablePath) was opened to read only") }
        try insertSegment.bind([
            .integer(session), .real(segment.startSeconds), .real(segment.endSeconds),
            .real(segment.startWallClock), .real(segment.endWallClock),
            segment.tempoBPM.map { .real($0) } ?? .null, .real(segment.tempoConfidence), .integer(Int64(segment.beatCount)),
            segment.key.map { .text($0) } ?? .null, .real(segment.keyConfidence),
            segment.loudnessLUFS.map { .real($0) } ?? .null, segment.loudnessRangeLU.map { .real($0) } ?? .null,
            .real(segment.peakDBFS), .real(segment.onsetRate), .real(segment.centroidHz), .real(segment.rolloffHz),
            .real(segment.flatness), .blob(Self.bytes(segment.chroma)), .blob(Self.bytes(segment.mfcc)),
            .text(segment.closeReason.rawValue), segment.room.map { .text($0) } ?? .null,
            segment.instance.map { .text($0) } ?? .null, segment.sourceID.map { .integer($0) } ?? .null,
        ])
        try insertSegment.step()
        return sqlite3_changes(database.handle) > 0
    }

    /// What to look for; every field is optional and bound as a parameter.
    public struct Filter: Sendable {
        public var session: Int64?
        /// Wall-clock range (Unix seconds) the segment must overlap.
        public var from: Double?
        public var to: Double?
        public var key: String?
        public var tempoMinimum: Double?
        public var tempoMaximum: Double?
        public var id: Int64?
        /// A collected segment's room (`samplemind collect`).
        public var room: String?
        public init(session: Int64? = nil) { self.session = session }
    }

    /// Segments matching `filter`, oldest first, at most `limit`, after id `after` (the cursor).
    public func segments(_ filter: Filter = Filter(), after: Int64 = 0, limit: Int = 100) throws(StorageError) -> [Segment] {
        let statement = try database.prepare("""
            SELECT id, session_id, start_t, end_t, start_wall, end_wall, tempo_bpm, tempo_confidence, beat_count, key,
                key_confidence, loudness_lufs, loudness_range_lu, peak_dbfs, onset_rate, centroid_hz, rolloff_hz, flatness,
                chroma, mfcc, close_reason, room, instance, source_id
            FROM segments
            WHERE id > ?1 AND (?2 IS NULL OR session_id = ?2) AND (?3 IS NULL OR end_wall >= ?3)
              AND (?4 IS NULL OR start_wall <= ?4) AND (?5 IS NULL OR key = ?5)
              AND (?6 IS NULL OR tempo_bpm >= ?6) AND (?7 IS NULL OR tempo_bpm <= ?7) AND (?8 IS NULL OR id = ?8)
              AND (?10 IS NULL OR room = ?10)
            ORDER BY id LIMIT ?9
            """)
        func optional(_ value: Double?) -> SQLValue { value.map { .real($0) } ?? .null }
        try statement.bind([
            .integer(after), filter.session.map { .integer($0) } ?? .null, optional(filter.from), optional(filter.to),
            filter.key.map { .text($0) } ?? .null, optional(filter.tempoMinimum), optional(filter.tempoMaximum),
            filter.id.map { .integer($0) } ?? .null, .integer(Int64(limit)), filter.room.map { .text($0) } ?? .null,
        ])
        var found: [Segment] = []
        while try statement.step() {
            var segment = Segment(
                startSeconds: statement.real(2), endSeconds: statement.real(3),
                startWallClock: statement.real(4), endWallClock: statement.real(5),
                tempoBPM: statement.isNull(6) ? nil : statement.real(6), tempoConfidence: statement.real(7),
                beatCount: statement.integer(8), key: statement.text(9), keyConfidence: statement.real(10),
                loudnessLUFS: statement.isNull(11) ? nil : statement.real(11),
                loudnessRangeLU: statement.isNull(12) ? nil : statement.real(12),
                peakDBFS: statement.real(13), onsetRate: statement.real(14), centroidHz: statement.real(15),
                rolloffHz: statement.real(16), flatness: statement.real(17),
                chroma: Self.floats(statement.blob(18)), mfcc: Self.floats(statement.blob(19)),
                closeReason: Segment.CloseReason(rawValue: statement.text(20) ?? "") ?? .maximumLength)
            segment.id = Int64(statement.integer(0))
            segment.sessionID = Int64(statement.integer(1))
            segment.room = statement.text(21)
            segment.instance = statement.text(22)
            segment.sourceID = statement.isNull(23) ? nil : Int64(statement.integer(23))
            found.append(segment)
        }
        return found
    }

    public struct Session: Sendable, Equatable {
        public var id: Int64
        public var startedWallClock: Double
        public var input: String
        public var sampleRate: Double?
    }

    /// Every session, newest first, at most `limit`.
    public func sessions(limit: Int = 100) throws(StorageError) -> [Session] {
        let statement = try database.prepare("SELECT id, started_wall, input, sample_rate FROM sessions ORDER BY id DESC LIMIT ?")
        try statement.bind([.integer(Int64(limit))])
        var found: [Session] = []
        while try statement.step() {
            found.append(Session(id: Int64(statement.integer(0)), startedWallClock: statement.real(1), input: statement.text(2) ?? "",
                                 sampleRate: statement.isNull(3) ? nil : statement.real(3)))
        }
        return found
    }

    /// Deletes up to `batch` of the oldest segments that ended before `wallClock`; returns how many.
    /// Retention calls it repeatedly, each batch its own transaction, so writes never wait long.
    @discardableResult
    public func deleteSegments(endingBefore wallClock: Double, batch: Int = 500) throws(StorageError) -> Int {
        let statement = try database.prepare(
            "DELETE FROM segments WHERE id IN (SELECT id FROM segments WHERE end_wall < ? ORDER BY id LIMIT ?)")
        try statement.bind([.real(wallClock), .integer(Int64(batch))])
        try statement.step()
        return Int(sqlite3_changes(database.handle))
    }

    /// Deletes up to `batch` of the oldest segments; returns how many.
    @discardableResult
    public func deleteOldestSegments(batch: Int = 500) throws(StorageError) -> Int {
        let statement = try database.prepare("DELETE FROM segments WHERE id IN (SELECT id FROM segments ORDER BY id LIMIT ?)")
        try statement.bind([.integer(Int64(batch))])
        try statement.step()
        return Int(sqlite3_changes(database.handle))
    }

    /// Bytes the database's live pages take (freed pages are reused, so the file stops growing
    /// once retention deletes as much as is written).
    public var usedBytes: Int {
        get throws(StorageError) {
            func pragma(_ name: String) throws(StorageError) -> Int {
                let statement = try database.prepare("PRAGMA \(name)")
                guard try statement.step() else { return 0 }
                return statement.integer(0)
            }
            return try (pragma("page_count") - pragma("freelist_count")) * pragma("page_size")
        }
    }

    /// Floats as little-endian Float32 bytes.
    static func bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    static func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count - 3, by: 4).map { offset in
            Float(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                  | UInt32(bytes[offset + 3]) << 24)
        }
    }
}
