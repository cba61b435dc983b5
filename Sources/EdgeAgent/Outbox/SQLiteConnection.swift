internal import GRDBSQLite

/// A SQLite error: the result code and SQLite's own message.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The SQLite result code (`SQLITE_FULL`, `SQLITE_IOERR`, …).
    public var code: Int32
    public var message: String

    public var description: String { "SQLite error \(code): \(message)" }
}

/// One connection to a SQLite file through SQLite's C API, for the agent, which cannot afford Foundation (and so
/// GRDB): the hub uses GRDB. Owned by one actor; never shared across threads.
final class SQLiteConnection {
    private let handle: OpaquePointer
    /// Prepared statements by SQL text, so the outbox's per-reading statements are parsed once.
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating when missing) the database at `path`.
    init(path: String) throws(SQLiteError) {
        var pointer: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &pointer, flags, nil)
        guard result == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite3_close_v2(pointer)
            throw SQLiteError(code: result, message: message)
        }
        handle = pointer
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws(SQLiteError) {
        let result = sqlite3_exec(handle, sql, nil, nil, nil)
        guard result == SQLITE_OK else { throw error(result) }
    }

    /// Prepares a statement.
    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else { throw error(result) }
        return SQLiteStatement(statement, connection: self)
    }

    /// The prepared statement for `sql`, prepared on first use and kept.
    func cached(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        if let statement = statements[sql] { return statement }
        let statement = try prepare(sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in a transaction, committing when it returns and rolling back when it throws.
    func transaction<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }

    func error(_ code: Int32) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)))
    }
}

/// A prepared statement, reset after each use.
final class SQLiteStatement {
    private let statement: OpaquePointer
    // Unowned: the connection keeps its cached statements, and outlives every statement (sqlite3_close_v2 waits
    // for them to be finalized).
    private unowned let connection: SQLiteConnection

    fileprivate init(_ statement: OpaquePointer, connection: SQLiteConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(statement) }

    /// A value to bind to a parameter.
    enum Value {
        case integer(Int64)
        case text(String)
        case blob([UInt8])
    }

    /// Binds `values`, steps through every row calling `row` for each, then resets.
    func run(_ values: [Value] = [], row: ((SQLiteStatement) throws(SQLiteError) -> Void)? = nil) throws(SQLiteError) {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32 = switch value {
            case .integer(let number): sqlite3_bind_int64(statement, index, number)
            case .text(let text): sqlite3_bind_text(statement, index, text, -1, transient)
            case .blob(let bytes): bytes.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), transient) }
            }
            guard result == SQLITE_OK else { throw connection.error(result) }
        }
        while true {
            let result = sqlite3_step(statement)
            if result == SQLITE_DONE { return }
            guard result == SQLITE_ROW else { throw connection.error(result) }
            try row?(self)
        }
    }

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func text(_ column: Int32) -> String {
        sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let base = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }
}

/// SQLite's SQLITE_TRANSIENT: copy the bound bytes now (the C macro does not import into Swift).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
