import Foundation
import GRDB

extension AppDatabase {
    // MARK: - Inbox

    /// `accountID`'s notifications, newest first, before id `before`.
    public func notifications(accountID: Int64, unreadOnly: Bool, before: Int64?, limit: Int) async throws -> [NotificationRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM notification WHERE accountID = ? AND id < ? AND (NOT ? OR readAt IS NULL) ORDER BY id DESC LIMIT ?
                """, arguments: [accountID, before ?? Int64.max, unreadOnly, limit]).map(Self.notification)
        }
    }

    /// How many of `accountID`'s notifications are unread.
    public func unreadNotifications(accountID: Int64) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notification WHERE accountID = ? AND readAt IS NULL", arguments: [accountID]) ?? 0
        }
    }

    /// Whether `accountID` was notified of alert `alertID` (an escalation reached them).
    public func wasNotified(accountID: Int64, alertID: Int64) async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM notification WHERE accountID = ? AND alertID = ? LIMIT 1", arguments: [accountID, alertID]) == true
        }
    }

    /// Notification `id` of `accountID`.
    public func notification(id: Int64, accountID: Int64) async throws -> NotificationRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM notification WHERE id = ? AND accountID = ?", arguments: [id, accountID]).map(Self.notification)
        }
    }

    /// Marks notification `id` of `accountID` read (once); nil when there is no such notification.
    public func markNotificationRead(id: Int64, accountID: Int64, at time: Date) async throws -> NotificationRecord? {
        try await writer.write { db in
            try db.execute(sql: "UPDATE notification SET readAt = ? WHERE id = ? AND accountID = ? AND readAt IS NULL",
                           arguments: [time.millisecondsSince1970, id, accountID])
            return try Row.fetchOne(db, sql: "SELECT * FROM notification WHERE id = ? AND accountID = ?", arguments: [id, accountID]).map(Self.notification)
        }
    }

    /// Marks every unread notification of `accountID` read; how many there were.
    public func markAllNotificationsRead(accountID: Int64, at time: Date) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "UPDATE notification SET readAt = ? WHERE accountID = ? AND readAt IS NULL", arguments: [time.millisecondsSince1970, accountID])
            return db.changesCount
        }
    }

    /// `accountID`'s notifications after id `after`, oldest first, at most `limit`: what the live socket pushes.
    public func notifications(accountID: Int64, after: Int64, limit: Int) async throws -> [NotificationRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM notification WHERE accountID = ? AND id > ? ORDER BY id LIMIT ?",
                             arguments: [accountID, after, limit]).map(Self.notification)
        }
    }

    /// The id of `accountID`'s newest notification (0 when none).
    public func lastNotificationID(accountID: Int64) async throws -> Int64 {
        try await writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM notification WHERE accountID = ?", arguments: [accountID]) ?? 0 }
    }

    // MARK: - Deliveries

    /// Deliveries due at `time`, the urgent first (a high-priority alert, or an escalation), then oldest due, with
    /// what they carry and where they go. Deliveries no longer worth sending are settled here as `skipped`, with the
    /// reason: the recipient's account was deactivated, or, for one not yet attempted, its alert was acknowledged
    /// or resolved, or its appointment is no longer ahead.
    public func dueDeliveries(at time: Date, limit: Int) async throws -> [(delivery: DeliveryRecord, notification: NotificationRecord, settings: NotificationSettings)] {
        try await writer.write { db in
            let now = time.millisecondsSince1970
            try db.execute(sql: """
                UPDATE delivery SET status = 'skipped', lastError = ?, nextAttemptAt = NULL
                WHERE status IN ('pending', 'retrying') AND nextAttemptAt <= ?
                  AND notificationID IN (SELECT n.id FROM notification n JOIN account a ON a.id = n.accountID WHERE NOT a.active)
                """, arguments: ["the recipient's account was deactivated", now])
            try db.execute(sql: """
                UPDATE delivery SET status = 'skipped', lastError = 'the alert was acknowledged or resolved before it went', nextAttemptAt = NULL
                WHERE status = 'pending' AND nextAttemptAt <= ?
                  AND notificationID IN (SELECT n.id FROM notification n JOIN alert al ON al.id = n.alertID WHERE al.status != 'unacknowledged')
                """, arguments: [now])
            try db.execute(sql: """
                UPDATE delivery SET status = 'skipped', lastError = 'the appointment is no longer ahead', nextAttemptAt = NULL
                WHERE status = 'pending' AND nextAttemptAt <= ?
                  AND notificationID IN (SELECT n.id FROM notification n JOIN appointment ap ON ap.id = n.appointmentID
                                         WHERE n.kind = 'appointment-reminder' AND (ap.startsAt <= ? OR ap.status NOT IN ('scheduled', 'confirmed')))
                """, arguments: [now, now])
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.*, n.accountID FROM delivery d JOIN notification n ON n.id = d.notificationID
                WHERE d.status IN ('pending', 'retrying') AND d.nextAttemptAt <= ?
                ORDER BY (n.priority = 'high' OR COALESCE(n.tier, 0) >= 1) DESC, d.nextAttemptAt, d.id LIMIT ?
                """, arguments: [now, limit])
            return try rows.compactMap { row in
                let delivery = Self.delivery(row)
                guard let notification = try Row.fetchOne(db, sql: "SELECT * FROM notification WHERE id = ?", arguments: [delivery.notificationID]).map(Self.notification)
                else { return nil }
                return (delivery, notification, try Self.notificationSettings(db, notification.accountID))
            }
        }
    }

    /// Records an attempt at delivery `id`: delivered, or failed with `error` (retried after the backoff, failed for
    /// good after the last; at once when `permanent`).
    public func recordDeliveryAttempt(id: Int64, error: String?, permanent: Bool = false, at time: Date) async throws {
        try await writer.write { db in
            let attempts = (try Int.fetchOne(db, sql: "SELECT attempts FROM delivery WHERE id = ?", arguments: [id]) ?? 0) + 1
            let now = time.millisecondsSince1970
            if let error {
                let retryIn = attempts <= Self.deliveryBackoff.count && !permanent ? Self.deliveryBackoff[attempts - 1] : nil
                try db.execute(sql: """
                    UPDATE delivery SET status = ?, attempts = ?, lastAttemptAt = ?, lastError = ?, nextAttemptAt = ? WHERE id = ?
                    """, arguments: [retryIn == nil ? "failed" : "retrying", attempts, now, String(error.prefix(500)),
                                     retryIn.map { time.addingTimeInterval($0).millisecondsSince1970 }, id])
            } else {
                try db.execute(sql: """
                    UPDATE delivery SET status = 'delivered', attempts = ?, lastAttemptAt = ?, lastError = NULL, nextAttemptAt = NULL, deliveredAt = ? WHERE id = ?
                    """, arguments: [attempts, now, now, id])
            }
        }
    }

    /// The deliveries of notification `notificationID`.
    public func deliveries(notificationID: Int64) async throws -> [DeliveryRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.*, n.accountID FROM delivery d JOIN notification n ON n.id = d.notificationID WHERE d.notificationID = ? ORDER BY d.id
                """, arguments: [notificationID]).map(Self.delivery)
        }
    }

    /// Deliveries newest first before id `before`, of one status if given: what admins watch for failures.
    public func deliveries(status: DeliveryRecord.Status?, before: Int64?, limit: Int) async throws -> [DeliveryRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.*, n.accountID FROM delivery d JOIN notification n ON n.id = d.notificationID
                WHERE d.id < ? AND (? IS NULL OR d.status = ?) ORDER BY d.id DESC LIMIT ?
                """, arguments: [before ?? Int64.max, status?.rawValue, status?.rawValue, limit]).map(Self.delivery)
        }
    }

    static func notification(_ row: Row) -> NotificationRecord {
        NotificationRecord(
            id: row["id"], accountID: row["accountID"], kind: NotificationKind(rawValue: row["kind"]) ?? .alert, priority: row["priority"],
            title: row["title"], body: row["body"], alertID: row["alertID"], appointmentID: row["appointmentID"], tier: row["tier"],
            createdAt: Date(millisecondsSince1970: row["createdAt"]), readAt: (row["readAt"] as Int64?).map(Date.init(millisecondsSince1970:)))
    }

    static func delivery(_ row: Row) -> DeliveryRecord {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(Date.init(millisecondsSince1970:)) }
        return DeliveryRecord(
            id: row["id"], notificationID: row["notificationID"], accountID: row["accountID"],
            channel: NotificationChannel(rawValue: row["channel"]) ?? .email, status: DeliveryRecord.Status(rawValue: row["status"]) ?? .failed,
            attempts: row["attempts"], nextAttemptAt: date("nextAttemptAt"), lastAttemptAt: date("lastAttemptAt"), lastError: row["lastError"],
            deliveredAt: date("deliveredAt"), createdAt: Date(millisecondsSince1970: row["createdAt"]))
    }
}
