import CSQLite
import SampleMindValidation
import Foundation

/// Why a database operation failed, with the file and SQLite's own words.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// SQLite's primary result code (SQLITE_FULL for a full disk, SQLITE_READONLY, …).
    public let code: Int32

    init(_ description: String, code: Int32 = SQLITE_ERROR) {
        self.description = description
        self.code = code
    }

    public var isDiskFull: Bool { code == SQLITE_FULL }
}

/// A thin layer over one SQLite connection: every value is bound, never spliced into SQL.
/// One connection per thread (the storage thread writes; readers open their own).
public final class SQLiteDatabase {
    public let path: String
    /// The path as it may be printed in messages: control characters escaped.
    public var printablePath: String { PrintableText.escaped(path) }
    let handle: OpaquePointer

    public init(path: String, readOnly: Bool = false) throws(StorageError) {
        self.path = path
        var opened: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let result = sqlite3_open_v2(path, &opened, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard result == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_close(opened)
            throw StorageError("\(PrintableText.escaped(path)): cannot open the database (\(message)); check the path and its permissions", code: result)
        }
        handle = opened
        sqlite3_busy_timeout(handle, 2_000)
    }

    deinit { sqlite3_close(handle) }

    /// Runs statements without results (schema, pragmas).
    public func execute(_ sql: String) throws(StorageError) {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
            sqlite3_free(message)
            throw StorageError("\(printablePath): \(text)", code: result & 0xFF)
        }
    }

    public func prepare(_ sql: String) throws(StorageError) -> Statement {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard result == SQLITE_OK, let statement else {
            throw StorageError("\(printablePath): \(String(cString: sqlite3_errmsg(handle)))", code: result & 0xFF)
        }
        return Statement(statement, database: self)
    }

    /// The value of `PRAGMA user_version`, the schema version.
    public var userVersion: Int {
        get throws(StorageError) {
            let statement = try prepare("PRAGMA user_version")
            guard try statement.step() else { return 0 }
            return statement.integer(0)
        }
    }

    public var lastInsertedRow: Int64 { sqlite3_last_insert_rowid(handle) }

    func failure(_ result: Int32) -> StorageError {
        StorageError("\(printablePath): \(String(cString: sqlite3_errmsg(handle)))", code: result & 0xFF)
    }
}

/// A prepared statement. Bind with 1-based indices, `step()` until it returns false.
public final class Statement {
    private let statement: OpaquePointer
    private let database: SQLiteDatabase
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    public func bind(_ values: [SQLValue]) throws(StorageError) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(statement, index)
            case .integer(let number): result = sqlite3_bind_int64(statement, index, number)
            case .real(let number): result = sqlite3_bind_double(statement, index, number)
            case .text(let text): result = sqlite3_bind_text(statement, index, text, -1, Self.transient)
            case .blob(let bytes):
                result = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            guard result == SQLITE_OK else { throw database.failure(result) }
        }
    }

    /// Steps once: true when a row is ready, false when done.
    @discardableResult
    public func step() throws(StorageError) -> Bool {
        let result = sqlite3_step(statement)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.failure(result)
        }
    }

    public func integer(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }
    public func real(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    public func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: bytes)
    }

    public func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

/// A value to bind.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}
