import Foundation
import GRDB

/// The hub's database: one writer, its migrations, and the operations the hub performs on it.
///
/// Readings are committed in batches, one transaction per batch, in WAL mode with `synchronous=FULL`: the hub
/// acknowledges a reading to its gateway only after it is committed, and the agent then deletes it, so a committed
/// reading must survive a power cut, not only a crash.
public struct AppDatabase: Sendable {
    let writer: any DatabaseWriter

    /// Wraps `writer` and brings its schema up to date.
    public init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Migrations.migrator.migrate(writer)
    }

    /// The database file at `path` (created when missing), in WAL mode.
    public static func open(path: String) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return try AppDatabase(DatabasePool(path: path, configuration: configuration))
    }

    /// An in-memory database, for tests and tools.
    public static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue())
    }
}

extension AppDatabase {
    /// Proves the database still takes writes (a trivial write transaction): the watchdog's and health check's test.
    public func checkWritable() async throws {
        try await writer.write { try $0.execute(sql: "SELECT 1") }
    }
}

extension AppDatabase {
    /// Moves the write-ahead log into the database file and empties it (after a bulk load, before measuring).
    public func checkpoint() async throws {
        try await writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }
}
