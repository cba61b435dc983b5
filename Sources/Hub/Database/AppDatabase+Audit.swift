import Foundation
import GRDB
import Synchronization

extension AppDatabase {
    /// Appends `records` to the audit log, chained after its last entry, in one transaction.
    public func appendAudit(_ records: [AuditRecord], at time: Date) async throws {
        guard !records.isEmpty else { return }
        try await writer.write { db in try Self.appendAudit(records, db, at: time) }
    }

    /// Appends within the caller's transaction: a change and its audit entry commit together or not at all.
    static func appendAudit(_ records: [AuditRecord], _ db: Database, at time: Date) throws {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, hash FROM auditEntry ORDER BY id DESC LIMIT 1"))
        var id: Int64 = last?["id"] ?? 0
        var previous: String = last?["hash"] ?? AuditEntry.genesisHash
        let at = time.millisecondsSince1970
        let insert = try db.cachedStatement(sql: """
            INSERT INTO auditEntry (id, at, actorID, actorRole, action, patientID, resource, address, previousHash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for record in records {
            id += 1
            let hash = AuditEntry.hash(id: id, at: at, record: record, previousHash: previous)
            try insert.execute(arguments: [id, at, record.actorID, record.actorRole?.rawValue, record.action, record.patientID, record.resource,
                                           record.address, previous, hash])
            previous = hash
        }
    }

    /// Audit entries matching `filter`, newest first, before `cursor` (an entry id), at most `limit`.
    public func auditEntries(_ filter: AuditFilter, before cursor: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM auditEntry WHERE id < ? AND (? IS NULL OR actorID = ?) AND (? IS NULL OR patientID = ?)
                  AND (? IS NULL OR action = ?) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?)
                ORDER BY id DESC LIMIT ?
                """, arguments: [
                    cursor ?? Int64.max, filter.actorID, filter.actorID, filter.patientID, filter.patientID, filter.action, filter.action,
                    filter.from?.millisecondsSince1970, filter.from?.millisecondsSince1970, filter.to?.millisecondsSince1970,
                    filter.to?.millisecondsSince1970, limit,
                ]).map(Self.auditEntry)
        }
    }

    /// Recomputes the chain from the first entry: every hash, and every link to the entry before.
    public func verifyAuditChain() async throws -> AuditVerification {
        try await writer.read { db in
            var previous = AuditEntry.genesisHash
            var checked = 0
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM auditEntry ORDER BY id")
            while let row = try cursor.next() {
                let entry = Self.auditEntry(row)
                let expected = AuditEntry.hash(id: entry.id, at: row["at"], record: entry.record, previousHash: previous)
                guard entry.previousHash == previous, entry.hash == expected else {
                    return AuditVerification(entriesChecked: checked, firstBrokenID: entry.id)
                }
                previous = entry.hash
                checked += 1
            }
            return AuditVerification(entriesChecked: checked, firstBrokenID: nil)
        }
    }

    private static func auditEntry(_ row: Row) -> AuditEntry {
        AuditEntry(
            id: row["id"], at: Date(millisecondsSince1970: row["at"]),
            record: AuditRecord(actorID: row["actorID"], actorRole: (row["actorRole"] as String?).flatMap(Role.init(rawValue:)), action: row["action"],
                                patientID: row["patientID"], resource: row["resource"], address: row["address"]),
            previousHash: row["previousHash"], hash: row["hash"])
    }
}

/// Audit entries written in group commits: entries arriving while a commit is under way wait for the next one, which
/// takes them all in one transaction. Each caller returns only once its entries are committed, so an audited read is
/// never answered before its entry is durable; busy readers share one fsync instead of queueing for one each.
public final class AuditWriter: Sendable {
    private struct Waiting {
        var records: [AuditRecord]
        var at: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let database: AppDatabase
    private let state = Mutex<(waiting: [Waiting], committing: Bool)>(([], false))

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Appends `records` (stamped `time`) and returns when they are committed.
    public func append(_ records: [AuditRecord], at time: Date) async throws {
        guard !records.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let startCommitting = state.withLock { state -> Bool in
                state.waiting.append(Waiting(records: records, at: time, continuation: continuation))
                guard !state.committing else { return false }
                state.committing = true
                return true
            }
            if startCommitting { Task { await commitWhileWaiting() } }
        }
    }

    private func commitWhileWaiting() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = state.waiting
                state.waiting = []
                if batch.isEmpty { state.committing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                try await database.writer.write { db in
                    for item in batch { try AppDatabase.appendAudit(item.records, db, at: item.at) }
                }
                for item in batch { item.continuation.resume() }
            } catch {
                for item in batch { item.continuation.resume(throwing: error) }
            }
        }
    }
}
