/// The database schema, versioned with `PRAGMA user_version` and upgraded by forward migrations.
public enum Schema {
    /// Migration `n` takes a database from version n to n + 1.
    static let migrations: [String] = [
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_wall REAL NOT NULL,
            input TEXT NOT NULL,
            sample_rate REAL,
            settings TEXT NOT NULL
        );
        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            start_t REAL NOT NULL, end_t REAL NOT NULL,
            start_wall REAL NOT NULL, end_wall REAL NOT NULL,
            tempo_bpm REAL, tempo_confidence REAL NOT NULL, beat_count INTEGER NOT NULL,
            key TEXT, key_confidence REAL NOT NULL,
            loudness_lufs REAL, loudness_range_lu REAL, peak_dbfs REAL NOT NULL,
            onset_rate REAL NOT NULL,
            centroid_hz REAL NOT NULL, rolloff_hz REAL NOT NULL, flatness REAL NOT NULL,
            chroma BLOB NOT NULL, mfcc BLOB NOT NULL,
            close_reason TEXT NOT NULL
        );
        CREATE INDEX segments_by_session ON segments(session_id, start_t);
        CREATE INDEX segments_by_wall ON segments(start_wall);
        """,
        // Version 2: retention by age deletes by end time.
        """
        CREATE INDEX segments_by_end_wall ON segments(end_wall);
        """,
        // Version 3: segments collected from other daemons over MQTT (`samplemind collect`). `room`
        // is the topic's room, `instance` the publishing database's id and `source_id` the segment's
        // id there; all three are NULL for the segments this database's own daemon cut. The unique
        // key makes a redelivered message one row, and a publisher whose database was recreated
        // (ids start at 1 again) gets a new instance id, so its segments never collide with old ones.
        // `instance` holds this database's own id, made once, here, from SQLite's random source.
        """
        ALTER TABLE segments ADD COLUMN room TEXT;
        ALTER TABLE segments ADD COLUMN instance TEXT;
        ALTER TABLE segments ADD COLUMN source_id INTEGER;
        CREATE UNIQUE INDEX segments_by_source ON segments(instance, source_id);
        CREATE INDEX segments_by_room ON segments(room, id);
        CREATE TABLE instance (id TEXT NOT NULL);
        INSERT INTO instance (id) VALUES (lower(hex(randomblob(16))));
        """,
    ]

    public static var currentVersion: Int { migrations.count }

    /// The database's schema version; refuses one written by a newer SampleMind (older builds
    /// refuse this one's version 3 files the same way, untouched). Reads only, so
    /// call it before anything writes (even switching to WAL changes the file).
    @discardableResult
    public static func checkVersion(_ database: SQLiteDatabase) throws(StorageError) -> Int {
        let version = try database.userVersion
        guard version <= currentVersion else {
            throw StorageError("\(database.printablePath) was written by a newer SampleMind (schema version \(version); this one knows up to \(currentVersion)); it was left untouched — upgrade SampleMind or use another database file")
        }
        return version
    }

    /// Brings `database` to the current version inside one transaction; refuses, untouched, a
    /// database written by a newer SampleMind.
    public static func migrate(_ database: SQLiteDatabase) throws(StorageError) {
        let version = try checkVersion(database)
        guard version < currentVersion else { return }
        try database.execute("BEGIN IMMEDIATE")
        do {
            for step in version..<currentVersion { try database.execute(migrations[step]) }
            try database.execute("PRAGMA user_version = \(currentVersion)")
            try database.execute("COMMIT")
        } catch {
            try? database.execute("ROLLBACK")
            throw error
        }
    }
}
