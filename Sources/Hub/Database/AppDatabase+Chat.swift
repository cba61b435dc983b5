import Foundation
import GRDB

extension AppDatabase {
    static let messageSelect = "SELECT m.*, a.displayName AS senderName FROM message m JOIN account a ON a.id = m.senderID"

    /// Starts a conversation. A device conversation records the patient the device is assigned to now.
    public func createConversation(kind: ConversationKind, title: String, patientID: Int64?, deviceID: String?, alertID: Int64?, createdBy: Int64,
                                   at time: Date) async throws -> ConversationRecord {
        try await writer.write { db in
            var patient = patientID
            if let deviceID {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM device WHERE externalID = ?", arguments: [deviceID]) == true else {
                    throw ChatError.deviceNotFound(deviceID)
                }
                patient = try Self.patientOfDevice(db, deviceID)
            } else if let patientID, try Bool.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [patientID]) != true {
                throw ChatError.patientNotFound(patientID)
            }
            try db.execute(sql: """
                INSERT INTO conversation (kind, title, patientID, deviceID, alertID, createdBy, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [kind.rawValue, title, patient, deviceID, alertID, createdBy, time.millisecondsSince1970])
            return try Self.conversation(db, db.lastInsertedRowID)
        }
    }

    /// Conversation `id`.
    public func conversation(id: Int64) async throws -> ConversationRecord? {
        try await writer.read { db in try? Self.conversation(db, id) }
    }

    /// The conversation opened from alert `alertID`, if any.
    public func conversation(alertID: Int64) async throws -> ConversationRecord? {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM conversation WHERE alertID = ? ORDER BY id LIMIT 1", arguments: [alertID]).map { try Self.conversation(db, $0) }
        }
    }

    /// Conversations that may concern `patients` or `devices`, or that `accountID` started, most recently active first.
    /// The caller filters them by who may read each.
    public func conversations(patientIDs: Set<Int64>, deviceIDs: Set<String>?, limit: Int) async throws -> [ConversationRecord] {
        try await writer.read { db in
            let patients = patientIDs.sorted()
            let patientList = patients.isEmpty ? "NULL" : patients.map { _ in "?" }.joined(separator: ", ")
            var arguments = StatementArguments(patients)
            // nil: every device conversation (technicians).
            let deviceCondition: String
            if let deviceIDs {
                let devices = deviceIDs.sorted()
                deviceCondition = devices.isEmpty ? "0" : "deviceID IN (\(devices.map { _ in "?" }.joined(separator: ", ")))"
                arguments += StatementArguments(devices)
            } else {
                deviceCondition = "kind = 'device'"
            }
            arguments += [limit]
            return try Row.fetchAll(db, sql: """
                SELECT * FROM conversation WHERE patientID IN (\(patientList)) OR \(deviceCondition)
                ORDER BY COALESCE(lastMessageAt, createdAt) DESC, id DESC LIMIT ?
                """, arguments: arguments).map(Self.conversation)
        }
    }

    /// The external ids of the devices assigned now to any of `patientIDs`.
    public func deviceIDs(assignedTo patientIDs: Set<Int64>) async throws -> Set<String> {
        guard !patientIDs.isEmpty else { return [] }
        return try await writer.read { db in
            let patients = patientIDs.sorted()
            return Set(try String.fetchAll(db, sql: """
                SELECT d.externalID FROM deviceAssignment da JOIN device d ON d.id = da.deviceID
                WHERE da.until IS NULL AND da.patientID IN (\(patients.map { _ in "?" }.joined(separator: ", ")))
                """, arguments: StatementArguments(patients)))
        }
    }

    /// The patient device `externalID` is assigned to now, if any; nil for an unknown device too.
    public func patientOfDevice(_ externalID: String) async throws -> Int64? {
        try await writer.read { db in try Self.patientOfDevice(db, externalID) }
    }

    /// Posts a message.
    public func postMessage(conversationID: Int64, senderID: Int64, body: String, at time: Date) async throws -> MessageRecord {
        try await writer.write { db in
            _ = try Self.conversation(db, conversationID)
            let now = time.millisecondsSince1970
            try db.execute(sql: "INSERT INTO message (conversationID, senderID, body, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [conversationID, senderID, body, now])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE conversation SET lastMessageAt = ? WHERE id = ?", arguments: [now, conversationID])
            // The sender has read what they wrote.
            try Self.markRead(db, conversationID: conversationID, accountID: senderID, upTo: id, at: now)
            return try Self.message(db, id)
        }
    }

    /// Edits (with `body`) or deletes (nil) message `id` of `conversationID`, by its sender; the earlier text is kept.
    public func reviseMessage(id: Int64, conversationID: Int64, by accountID: Int64, body: String?, at time: Date) async throws -> MessageRecord {
        try await writer.write { db in
            let message = try Self.message(db, id)
            guard message.conversationID == conversationID else { throw ChatError.messageNotFound(id) }
            guard message.senderID == accountID else { throw ChatError.notTheSender }
            guard message.deletedAt == nil else { throw ChatError.deleted }
            let now = time.millisecondsSince1970
            try db.execute(sql: "INSERT INTO messageRevision (messageID, action, previousBody, at, actorID) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, body == nil ? "delete" : "edit", message.body, now, accountID])
            if let body {
                try db.execute(sql: "UPDATE message SET body = ?, editedAt = ? WHERE id = ?", arguments: [body, now, id])
            } else {
                try db.execute(sql: "UPDATE message SET body = '', deletedAt = ? WHERE id = ?", arguments: [now, id])
            }
            return try Self.message(db, id)
        }
    }

    /// Messages of `conversationID`, newest first, before id `before`.
    public func messages(conversationID: Int64, before: Int64?, limit: Int) async throws -> [MessageRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "\(Self.messageSelect) WHERE m.conversationID = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?",
                             arguments: [conversationID, before ?? Int64.max, limit]).map(Self.message)
        }
    }

    /// Every message after id `after`, oldest first: what the live sockets look through.
    public func messages(after: Int64, limit: Int) async throws -> [MessageRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "\(Self.messageSelect) WHERE m.id > ? ORDER BY m.id LIMIT ?", arguments: [after, limit]).map(Self.message)
        }
    }

    /// The newest message's id (0 when none).
    public func lastMessageID() async throws -> Int64 {
        try await writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM message") ?? 0 }
    }

    /// The earlier texts of message `id`, oldest first.
    public func revisions(messageID id: Int64) async throws -> [MessageRevision] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM messageRevision WHERE messageID = ? ORDER BY id", arguments: [id]).map {
                MessageRevision(messageID: $0["messageID"], action: $0["action"], previousBody: $0["previousBody"], at: Date(millisecondsSince1970: $0["at"]))
            }
        }
    }

    /// Records that `accountID` has read `conversationID` up to message `messageID` (never backwards).
    public func markConversationRead(_ conversationID: Int64, accountID: Int64, upTo messageID: Int64, at time: Date) async throws {
        try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM message WHERE id = ? AND conversationID = ?", arguments: [messageID, conversationID]) == true else {
                throw ChatError.messageNotFound(messageID)
            }
            try Self.markRead(db, conversationID: conversationID, accountID: accountID, upTo: messageID, at: time.millisecondsSince1970)
        }
    }

    /// How far each person has read `conversationID`.
    public func readReceipts(conversationID: Int64) async throws -> [ReadReceipt] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.accountID, a.displayName, r.lastReadMessageID, r.readAt FROM readReceipt r JOIN account a ON a.id = r.accountID
                WHERE r.conversationID = ? ORDER BY r.accountID
                """, arguments: [conversationID]).map {
                ReadReceipt(accountID: $0["accountID"], displayName: $0["displayName"], lastReadMessageID: $0["lastReadMessageID"],
                            readAt: Date(millisecondsSince1970: $0["readAt"]))
            }
        }
    }

    /// Unread messages (not their own, not deleted) of `accountID` per conversation of `conversationIDs`.
    public func unreadMessages(accountID: Int64, conversationIDs: [Int64]) async throws -> [Int64: Int] {
        guard !conversationIDs.isEmpty else { return [:] }
        return try await writer.read { db in
            var counts: [Int64: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT m.conversationID, COUNT(*) AS unread FROM message m
                LEFT JOIN readReceipt r ON r.conversationID = m.conversationID AND r.accountID = ?
                WHERE m.conversationID IN (\(conversationIDs.map { _ in "?" }.joined(separator: ", "))) AND m.senderID != ? AND m.deletedAt IS NULL
                  AND m.id > COALESCE(r.lastReadMessageID, 0)
                GROUP BY m.conversationID
                """, arguments: StatementArguments([accountID]) + StatementArguments(conversationIDs) + [accountID]) {
                counts[row["conversationID"]] = row["unread"]
            }
            return counts
        }
    }

    static func patientOfDevice(_ db: Database, _ externalID: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: """
            SELECT da.patientID FROM deviceAssignment da JOIN device d ON d.id = da.deviceID WHERE d.externalID = ? AND da.until IS NULL
            """, arguments: [externalID])
    }

    static func markRead(_ db: Database, conversationID: Int64, accountID: Int64, upTo messageID: Int64, at now: Int64) throws {
        try db.execute(sql: """
            INSERT INTO readReceipt (conversationID, accountID, lastReadMessageID, readAt) VALUES (?, ?, ?, ?)
            ON CONFLICT (conversationID, accountID) DO UPDATE SET lastReadMessageID = excluded.lastReadMessageID, readAt = excluded.readAt
            WHERE excluded.lastReadMessageID > readReceipt.lastReadMessageID
            """, arguments: [conversationID, accountID, messageID, now])
    }

    static func conversation(_ db: Database, _ id: Int64) throws -> ConversationRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM conversation WHERE id = ?", arguments: [id]) else { throw ChatError.conversationNotFound(id) }
        return conversation(row)
    }

    static func conversation(_ row: Row) -> ConversationRecord {
        ConversationRecord(
            id: row["id"], kind: ConversationKind(rawValue: row["kind"]) ?? .careTeam, title: row["title"], patientID: row["patientID"],
            deviceID: row["deviceID"], alertID: row["alertID"], createdBy: row["createdBy"], createdAt: Date(millisecondsSince1970: row["createdAt"]),
            lastMessageAt: (row["lastMessageAt"] as Int64?).map(Date.init(millisecondsSince1970:)))
    }

    static func message(_ db: Database, _ id: Int64) throws -> MessageRecord {
        guard let row = try Row.fetchOne(db, sql: "\(messageSelect) WHERE m.id = ?", arguments: [id]) else { throw ChatError.messageNotFound(id) }
        return message(row)
    }

    static func message(_ row: Row) -> MessageRecord {
        MessageRecord(
            id: row["id"], conversationID: row["conversationID"], senderID: row["senderID"], senderName: row["senderName"], body: row["body"],
            createdAt: Date(millisecondsSince1970: row["createdAt"]), editedAt: (row["editedAt"] as Int64?).map(Date.init(millisecondsSince1970:)),
            deletedAt: (row["deletedAt"] as Int64?).map(Date.init(millisecondsSince1970:)))
    }
}
