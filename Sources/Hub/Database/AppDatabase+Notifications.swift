import Foundation
import GRDB
import Scheduling
import Vitals

extension AppDatabase {
    /// Waits before each retry of a failed delivery: 30 s, 2 min, 8 min, 32 min, 2 h; then it has failed.
    public static let deliveryBackoff: [TimeInterval] = [30, 120, 480, 1920, 7200]
    /// Reminders go this many seconds before an appointment: a day, and an hour.
    static let reminderLeads: [Int64] = [3600, 86_400]

    // MARK: - Settings

    /// The notification settings of `accountID` (defaults when never set).
    public func notificationSettings(accountID: Int64) async throws -> NotificationSettings {
        try await writer.read { db in try Self.notificationSettings(db, accountID) }
    }

    /// Replaces the notification settings of `accountID`.
    public func setNotificationSettings(_ settings: NotificationSettings, accountID: Int64, at time: Date) async throws {
        let preferences = Dictionary(uniqueKeysWithValues: settings.preferences.map { ($0.key.rawValue, $0.value.map(\.rawValue).sorted()) })
        let json = String(decoding: try JSONEncoder().encode(preferences), as: UTF8.self)
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO notificationSettings (accountID, email, webhookURL, webhookSecret, quietStart, quietEnd, timeZone, preferences, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (accountID) DO UPDATE SET email = excluded.email, webhookURL = excluded.webhookURL, webhookSecret = excluded.webhookSecret,
                  quietStart = excluded.quietStart, quietEnd = excluded.quietEnd, timeZone = excluded.timeZone, preferences = excluded.preferences,
                  updatedAt = excluded.updatedAt
                """, arguments: [accountID, settings.email, settings.webhookURL, settings.webhookSecret, settings.quietStart?.description,
                                 settings.quietEnd?.description, settings.timeZone.identifier, json, time.millisecondsSince1970])
        }
    }

    /// Who escalations reach beyond the care team.
    public func onCallRota() async throws -> OnCallRota {
        try await writer.read { db in try Self.onCallRota(db) }
    }

    /// Replaces the on-call rota; every account in it must be an active caregiver or admin, and every tier one an
    /// escalation can reach (fewer tiers than the policy's highest, which is the admins').
    public func setOnCallRota(_ rota: OnCallRota) async throws {
        let json = String(decoding: try JSONEncoder().encode(rota), as: UTF8.self)
        try await writer.write { db in
            let highest = try Self.highestTier(db)
            guard rota.tiers.count < max(highest, 1) else { throw OnCallError.unreachableTiers(highestTier: highest) }
            for id in Set(rota.tiers.joined()) {
                let role = try String.fetchOne(db, sql: "SELECT role FROM account WHERE id = ? AND active", arguments: [id])
                guard role == Role.caregiver.rawValue || role == Role.admin.rawValue else { throw AccountError.notACaregiver(id) }
            }
            try db.execute(sql: "INSERT INTO hubSetting (key, value) VALUES ('notifications.onCall', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           arguments: [json])
        }
    }

    // MARK: - Making notifications

    /// Turns what happened since the last call into notifications and their deliveries, in one transaction with
    /// the cursors that record how far it got, so each is made exactly once: alert events that need attention (to
    /// every tier they reached), appointments booked, cancelled or moved by someone else, and appointment reminders
    /// due. Email deliveries are made only when `emailAvailable`. Returns the number of notifications made.
    @discardableResult
    public func makeNotifications(at time: Date, emailAvailable: Bool) async throws -> Int {
        try await writer.write { db in
            var made = 0
            let now = time.millisecondsSince1970
            let rota = try Self.onCallRota(db)
            let highestTier = try Self.highestTier(db)
            let context = NotificationContext(db: db, now: now, time: time, emailAvailable: emailAvailable)

            let alertCursor = try Int64.fetchOne(db, sql: "SELECT value FROM hubSetting WHERE key = 'notifications.alertEventCursor'") ?? 0
            let events = try Row.fetchAll(db, sql: """
                SELECT e.id, e.alertID, e.event, e.notifyTier, a.patientID, a.category, a.priority, a.assigneeID
                FROM alertEvent e JOIN alert a ON a.id = e.alertID WHERE e.id > ? ORDER BY e.id LIMIT 1000
                """, arguments: [alertCursor])
            for row in events {
                guard let tier = row["notifyTier"] as Int? else { continue }
                let priority = (AlarmPriority(rawValue: row["priority"]) ?? .low).description
                let category: String = row["category"]
                let alertID: Int64 = row["alertID"]
                let event: String = row["event"]
                let reached = try Self.recipients(db, patientID: row["patientID"], technical: category == "technical", assigneeID: row["assigneeID"],
                                                  through: tier, rota: rota, highestTier: highestTier)
                for (accountID, reachedAt) in reached.sorted(by: { $0.key < $1.key }) {
                    let (title, body) = Self.alertText(alertID: alertID, priority: priority, category: category, event: event, tier: reachedAt)
                    try context.notify(accountID, .alert, priority: priority, title: title, body: body, alertID: alertID, appointmentID: nil,
                                       tier: reachedAt, urgent: priority == "high" || reachedAt >= 1)
                    made += 1
                }
            }
            if let last = events.last?["id"] as Int64? { try Self.setCursor(db, "notifications.alertEventCursor", last) }

            let appointmentCursor = try Int64.fetchOne(db, sql: "SELECT value FROM hubSetting WHERE key = 'notifications.appointmentEventCursor'") ?? 0
            let changes = try Row.fetchAll(db, sql: """
                SELECT e.id, e.appointmentID, e.actorID, e.action, e.startsAt, ap.type, ap.patientID, ap.staffID
                FROM appointmentEvent e JOIN appointment ap ON ap.id = e.appointmentID WHERE e.id > ? ORDER BY e.id LIMIT 1000
                """, arguments: [appointmentCursor])
            for row in changes {
                let action: String = row["action"]
                guard ["booked", "cancel", "reschedule"].contains(action) else { continue }
                let type = AppointmentType(rawValue: row["type"]) ?? .clinicVisit
                let verb = action == "booked" ? "booked" : action == "cancel" ? "cancelled" : "moved"
                let start = Date(millisecondsSince1970: row["startsAt"])
                let actorID = row["actorID"] as Int64?
                for accountID in try Self.participants(db, patientID: row["patientID"], staffID: row["staffID"]) where accountID != actorID {
                    try context.notify(accountID, .appointmentChange, priority: nil, title: "Appointment \(verb): \(type.title.lowercased())",
                                       body: "Your \(type.title.lowercased()) \(action == "cancel" ? "on" : "is now on") \(Self.utcText(start)) was \(verb). Details are in SilverWatch.",
                                       alertID: nil, appointmentID: row["appointmentID"], tier: nil, urgent: false)
                    made += 1
                }
            }
            if let last = changes.last?["id"] as Int64? { try Self.setCursor(db, "notifications.appointmentEventCursor", last) }

            // Reminders: the shortest lead an appointment is within, if not yet sent for its current time (a visit
            // booked an hour ahead gets the hour's reminder only; a rescheduled one is reminded of its new time).
            let upcoming = try Row.fetchAll(db, sql: """
                SELECT id, type, patientID, staffID, startsAt, revision FROM appointment
                WHERE status IN ('scheduled', 'confirmed') AND startsAt > ? AND startsAt <= ?
                """, arguments: [now, now + (Self.reminderLeads.max() ?? 0) * 1000])
            for row in upcoming {
                let startsAt: Int64 = row["startsAt"]
                let revision: Int64 = row["revision"]
                guard let lead = Self.reminderLeads.sorted().first(where: { startsAt - now <= $0 * 1000 }),
                      try Bool.fetchOne(db, sql: "SELECT 1 FROM appointmentReminder WHERE appointmentID = ? AND revision = ? AND lead <= ?",
                                        arguments: [row["id"], revision, lead]) != true
                else { continue }
                for longer in Self.reminderLeads where longer >= lead {
                    try db.execute(sql: "INSERT OR IGNORE INTO appointmentReminder (appointmentID, revision, lead, sentAt) VALUES (?, ?, ?, ?)",
                                   arguments: [row["id"], revision, longer, now])
                }
                let type = AppointmentType(rawValue: row["type"]) ?? .clinicVisit
                let start = Date(millisecondsSince1970: startsAt)
                for accountID in try Self.participants(db, patientID: row["patientID"], staffID: row["staffID"]) {
                    try context.notify(accountID, .appointmentReminder, priority: nil, title: "Reminder: \(type.title.lowercased()) \(lead <= 3600 ? "within the hour" : "within a day")",
                                       body: "Your \(type.title.lowercased()) starts at \(Self.utcText(start)). Details are in SilverWatch.",
                                       alertID: nil, appointmentID: row["id"], tier: nil, urgent: false)
                    made += 1
                }
            }
            return made
        }
    }

    /// One transaction's way of adding a notification and its deliveries.
    struct NotificationContext {
        let db: Database
        let now: Int64
        let time: Date
        let emailAvailable: Bool

        func notify(_ accountID: Int64, _ kind: NotificationKind, priority: String?, title: String, body: String, alertID: Int64?, appointmentID: Int64?,
                    tier: Int?, urgent: Bool) throws {
            try db.execute(sql: """
                INSERT INTO notification (accountID, kind, priority, title, body, alertID, appointmentID, tier, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [accountID, kind.rawValue, priority, title, body, alertID, appointmentID, tier, now])
            let id = db.lastInsertedRowID
            let settings = try AppDatabase.notificationSettings(db, accountID)
            let due = settings.earliestDelivery(at: time, urgent: urgent).millisecondsSince1970
            for channel in settings.channels(for: kind).sorted(by: { $0.rawValue < $1.rawValue }) where channel != .email || emailAvailable {
                try db.execute(sql: "INSERT INTO delivery (notificationID, channel, status, nextAttemptAt, createdAt) VALUES (?, ?, 'pending', ?, ?)",
                               arguments: [id, channel.rawValue, due, now])
            }
        }
    }

    /// Everyone an alert reaches through `tier`, each with the lowest tier that reaches them: tier 0 is the
    /// patient's care team (and the technicians, for a technical alert; the admins when nobody else), with the
    /// assignee; tier 1, 2, … the on-call rota's tiers; the admins from the tier after the rota's last, or from the
    /// policy's highest tier if that comes first, so an escalation always ends with them; an empty rota tier is the
    /// admins' too.
    static func recipients(_ db: Database, patientID: Int64?, technical: Bool, assigneeID: Int64?, through tier: Int,
                           rota: OnCallRota, highestTier: Int) throws -> [Int64: Int] {
        var reached: [Int64: Int] = [:]
        func add(_ ids: [Int64], _ level: Int) { for id in ids where reached[id] == nil { reached[id] = level } }
        let admins = try Int64.fetchAll(db, sql: "SELECT id FROM account WHERE role = 'admin' AND active ORDER BY id")
        var first: [Int64] = []
        if let patientID {
            first += try Int64.fetchAll(db, sql: """
                SELECT c.caregiverID FROM careTeamMembership c JOIN account a ON a.id = c.caregiverID
                WHERE c.patientID = ? AND c.until IS NULL AND a.active ORDER BY c.caregiverID
                """, arguments: [patientID])
        }
        if technical { first += try Int64.fetchAll(db, sql: "SELECT id FROM account WHERE role = 'technician' AND active ORDER BY id") }
        if let assigneeID, try Bool.fetchOne(db, sql: "SELECT active FROM account WHERE id = ?", arguments: [assigneeID]) == true { first.append(assigneeID) }
        add(first.isEmpty ? admins : first, 0)
        if tier >= 1 {
            for level in 1...tier {
                let onCall = level - 1 < rota.tiers.count ? rota.tiers[level - 1] : []
                let active = try onCall.filter { try Bool.fetchOne(db, sql: "SELECT active FROM account WHERE id = ?", arguments: [$0]) == true }
                add(active, level)
                if active.isEmpty || level >= min(rota.tiers.count + 1, max(highestTier, 1)) { add(admins, level) }
            }
        }
        return reached
    }

    /// The patient's active account, if they have one, and the staff member.
    static func participants(_ db: Database, patientID: Int64, staffID: Int64) throws -> [Int64] {
        let patientAccounts = try Int64.fetchAll(db, sql: "SELECT id FROM account WHERE patientID = ? AND active", arguments: [patientID])
        let staff = try Int64.fetchAll(db, sql: "SELECT id FROM account WHERE id = ? AND active", arguments: [staffID])
        return patientAccounts + staff
    }

    /// An alert notification's text. It leaves the hub by email and webhook, so it names no patient and no value:
    /// the alert's id takes the reader to the details in SilverWatch.
    static func alertText(alertID: Int64, priority: String, category: String, event: String, tier: Int) -> (String, String) {
        let what = event.hasPrefix("{\"raised\"") ? "New \(priority)-priority alert"
            : event.hasPrefix("{\"escalated\"") ? "Escalated: \(priority)-priority alert not acknowledged"
            : "\(priority.prefix(1).uppercased() + priority.dropFirst())-priority alert needs attention again"
        let who = tier == 0 ? "A patient in your care" : "A patient (escalation tier \(tier), you are on call)"
        return (what, "\(who) has a \(priority)-priority \(category) alert (alert \(alertID)). Open it in SilverWatch to see and acknowledge it.")
    }

    /// `2027-01-18 14:00 UTC`.
    static func utcText(_ date: Date) -> String {
        let text = date.formatted(.iso8601)
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }

    static func notificationSettings(_ db: Database, _ accountID: Int64) throws -> NotificationSettings {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM notificationSettings WHERE accountID = ?", arguments: [accountID]) else {
            return NotificationSettings()
        }
        let stored = (try? JSONDecoder().decode([String: [String]].self, from: Data((row["preferences"] as String).utf8))) ?? [:]
        var preferences: [NotificationKind: Set<NotificationChannel>] = [:]
        for (kind, channels) in stored {
            guard let kind = NotificationKind(rawValue: kind) else { continue }
            preferences[kind] = Set(channels.compactMap(NotificationChannel.init(rawValue:)))
        }
        return NotificationSettings(
            email: row["email"], webhookURL: row["webhookURL"], webhookSecret: row["webhookSecret"],
            quietStart: (row["quietStart"] as String?).flatMap(TimeOfDay.init), quietEnd: (row["quietEnd"] as String?).flatMap(TimeOfDay.init),
            timeZone: (row["timeZone"] as String?).flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!, preferences: preferences,
            updatedAt: (row["updatedAt"] as Int64?).map(Date.init(millisecondsSince1970:)))
    }

    /// The escalation policy's highest tier (the standard policy's when none is stored).
    static func highestTier(_ db: Database) throws -> Int {
        guard let json = try String.fetchOne(db, sql: "SELECT value FROM hubSetting WHERE key = 'alertPolicy'"),
              let document = try? JSONDecoder().decode(AlertPolicyDocument.self, from: Data(json.utf8)) else { return AlertPolicy.standard.highestTier }
        return document.highestTier
    }

    static func setCursor(_ db: Database, _ key: String, _ value: Int64) throws {
        try db.execute(sql: "INSERT INTO hubSetting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", arguments: [key, value])
    }

    static func onCallRota(_ db: Database) throws -> OnCallRota {
        guard let json = try String.fetchOne(db, sql: "SELECT value FROM hubSetting WHERE key = 'notifications.onCall'") else { return OnCallRota(tiers: []) }
        return (try? JSONDecoder().decode(OnCallRota.self, from: Data(json.utf8))) ?? OnCallRota(tiers: [])
    }
}

/// Why an on-call rota was refused.
public enum OnCallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Escalation stops at `highestTier`, which is the admins': the rota has tiers 1 to `highestTier - 1`.
    case unreachableTiers(highestTier: Int)

    public var description: String {
        switch self {
        case .unreachableTiers(let highest):
            "the escalation policy stops at tier \(highest), the admins': the rota may have at most \(max(highest - 1, 0)) tiers"
        }
    }
}
