import CSQLite

/// The SQLite library this build runs on, for `samplemind version`.
public enum SQLiteVersion {
    public static var description: String { "SQLite \(String(cString: sqlite3_libversion()))" }
}
