internal import GRDBSQLite
import Telemetry
import Vitals

/// The agent's durable outbox: every reading is written here, with its per-device sequence number, before it is
/// published, and deleted only when the hub acknowledges having committed it.
///
/// It survives agent restarts and power loss (SQLite in WAL mode with `synchronous=FULL`). Unacknowledged readings
/// are offered again, oldest first, after a reconnect or when the hub has not acknowledged them within the resend
/// time. It holds at most `capacity` readings: when full it drops the oldest, never silently. What it drops is
/// counted, persisted with the outbox, and reported in the gateway's status. Sequence numbers are never reused,
/// not even for dropped or acknowledged readings.
public actor Outbox {
    /// Readings waiting for the hub, grouped by device, oldest first.
    public struct Batch: Sendable, Hashable {
        public var device: String
        /// The entries in sequence order, each with its sequence number.
        public var entries: [ReadingBatch.Entry]
    }

    private let connection: SQLiteConnection
    private let capacity: Int
    /// Readings waiting, counted once at opening and kept up to date after every commit: counting a table of half
    /// a million rows on each append would scan it on the agent's busiest path.
    private var pendingCount = 0
    private var resendAfterMilliseconds: Int64

    /// Changes how long a published reading waits for its acknowledgement before it is due again (the hub's
    /// gateway configuration can set it).
    public func setResendAfter(_ duration: Duration) {
        resendAfterMilliseconds = Self.milliseconds(duration)
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        Int64((duration.inSeconds * 1000).rounded())
    }

    /// Opens the outbox at `path` (creating it when missing).
    public init(path: String, capacity: Int = 500_000, resendAfter: Duration = .seconds(30)) throws(SQLiteError) {
        connection = try SQLiteConnection(path: path)
        self.capacity = max(1, capacity)
        resendAfterMilliseconds = Self.milliseconds(resendAfter)
        try connection.execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS pending (
              position INTEGER PRIMARY KEY AUTOINCREMENT,
              device TEXT NOT NULL,
              seq INTEGER NOT NULL,
              entry BLOB NOT NULL,
              sentAt INTEGER,
              UNIQUE (device, seq)
            );
            CREATE TABLE IF NOT EXISTS deviceSequence (device TEXT PRIMARY KEY, next INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
            """)
        pendingCount = try Self.count("SELECT COUNT(*) FROM pending", on: connection)
    }

    /// Numbers `entries` for `device`, stores them durably, and returns them as they will be sent. Drops the
    /// oldest readings (any device) beyond the capacity and counts them.
    @discardableResult
    public func append(device: String, entries: [ReadingBatch.Entry]) throws(SQLiteError) -> [ReadingBatch.Entry] {
        guard !entries.isEmpty else { return [] }
        let excess = max(0, pendingCount + entries.count - capacity)
        let numbered = try connection.transaction { () throws(SQLiteError) -> [ReadingBatch.Entry] in
            var next: Int64 = 1
            try connection.cached("SELECT next FROM deviceSequence WHERE device = ?").run([.text(device)]) { row in next = row.integer(0) }
            let insert = try connection.cached("INSERT INTO pending (device, seq, entry) VALUES (?, ?, ?)")
            var numbered: [ReadingBatch.Entry] = []
            numbered.reserveCapacity(entries.count)
            for var entry in entries {
                entry.seq = next
                next += 1
                try insert.run([.text(device), .integer(entry.seq), .blob(PayloadCodec.encode(entry))])
                numbered.append(entry)
            }
            try connection.cached("INSERT INTO deviceSequence (device, next) VALUES (?, ?) ON CONFLICT(device) DO UPDATE SET next = excluded.next")
                .run([.text(device), .integer(next)])
            try drop(oldest: excess)
            return numbered
        }
        pendingCount += entries.count - excess
        return numbered
    }

    /// Up to `limit` readings to publish now, oldest first, grouped by device: those never sent, and those sent
    /// more than the resend time ago without an acknowledgement. They are marked sent at `now` (ms since 1970).
    public func nextToSend(limit: Int, now: Int64) throws(SQLiteError) -> [Batch] {
        try connection.transaction { () throws(SQLiteError) -> [Batch] in
            var order: [String] = []
            var byDevice: [String: [ReadingBatch.Entry]] = [:]
            let select = try connection.cached("""
                SELECT device, seq, entry FROM pending WHERE sentAt IS NULL OR sentAt <= ? ORDER BY position LIMIT ?
                """)
            let mark = try connection.cached("UPDATE pending SET sentAt = ? WHERE device = ? AND seq = ?")
            var chosen: [(String, Int64)] = []
            try select.run([.integer(now - resendAfterMilliseconds), .integer(Int64(max(0, limit)))]) { (row: SQLiteStatement) throws(SQLiteError) in
                let device = row.text(0)
                let entry: ReadingBatch.Entry
                do {
                    entry = try PayloadCodec.decode(ReadingBatch.Entry.self, from: row.blob(2))
                } catch {
                    // Only this outbox writes these rows; one that does not decode means a damaged file.
                    throw SQLiteError(code: SQLITE_CORRUPT, message: "outbox row \(device)#\(row.integer(1)) is damaged: \(error)")
                }
                if byDevice[device] == nil { order.append(device) }
                byDevice[device, default: []].append(entry)
                chosen.append((device, row.integer(1)))
            }
            for (device, seq) in chosen { try mark.run([.integer(now), .text(device), .integer(seq)]) }
            return order.map { Batch(device: $0, entries: byDevice[$0] ?? []) }
        }
    }

    /// Makes every unacknowledged reading due again (after a reconnect: what was in flight may never have arrived).
    public func resendAll() throws(SQLiteError) {
        try connection.execute("UPDATE pending SET sentAt = NULL WHERE sentAt IS NOT NULL")
    }

    /// Deletes what the hub committed. Numbers the outbox does not hold (already acknowledged) are ignored.
    public func acknowledge(device: String, committed: SequenceRanges) throws(SQLiteError) {
        let deleted = try connection.transaction { () throws(SQLiteError) -> Int in
            let delete = try connection.cached("DELETE FROM pending WHERE device = ? AND seq BETWEEN ? AND ?")
            var deleted = 0
            for range in committed.ranges {
                let bounds: [SQLiteStatement.Value] = [.text(device), .integer(Int64(clamping: range.lowerBound)), .integer(Int64(clamping: range.upperBound))]
                try delete.run(bounds)
                deleted += connection.changes
            }
            return deleted
        }
        pendingCount -= deleted
    }

    /// Readings waiting for an acknowledgement.
    public var depth: Int { pendingCount }

    /// Readings dropped because the outbox was full, since it was created.
    public var dropped: Int {
        get throws(SQLiteError) { try count("SELECT COALESCE((SELECT value FROM counter WHERE name = 'dropped'), 0)") }
    }

    private func count(_ sql: String) throws(SQLiteError) -> Int {
        try Self.count(sql, on: connection)
    }

    private static func count(_ sql: String, on connection: SQLiteConnection) throws(SQLiteError) -> Int {
        var value: Int64 = 0
        try connection.cached(sql).run { row in value = row.integer(0) }
        return Int(value)
    }

    /// Drops the `excess` oldest readings (any device) and counts them.
    private func drop(oldest excess: Int) throws(SQLiteError) {
        guard excess > 0 else { return }
        try connection.cached("DELETE FROM pending WHERE position IN (SELECT position FROM pending ORDER BY position LIMIT ?)")
            .run([.integer(Int64(excess))])
        try connection.cached("""
            INSERT INTO counter (name, value) VALUES ('dropped', ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
            """).run([.integer(Int64(excess))])
    }
}
