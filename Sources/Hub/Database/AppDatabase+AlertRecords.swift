import Foundation
import GRDB
import Vitals

/// A stored alert as people see it: the alert with its evidence, who it is assigned to, and when it last changed.
public struct AlertRecord: Sendable, Hashable {
    public var id: Int64
    public var patientID: Int64?
    public var alert: Alert
    /// The account the alert is assigned to, and its name.
    public var assigneeID: Int64?
    public var assigneeName: String?
    public var updatedAt: Date
}

/// One entry of an alert's history: the event as stored (a JSON object naming it), and the account behind it.
public struct AlertHistoryEntry: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var actorID: Int64?
    /// The event's JSON, e.g. `{"acknowledged":{"by":"Nurse Joy"}}` or `{"raised":{"priority":3}}`.
    public var event: String
}

/// Which alerts a caller may see: decided by role before the query.
public enum AlertScope: Sendable, Hashable {
    case all
    /// The alerts of the patients on this caregiver's care teams (their devices' technical alerts included).
    case careTeam(caregiverID: Int64)
    /// Technical alerts only: about devices, for technicians.
    case technical
}

extension AlertScope {
    /// Whether an alert of `patientID` and `category` is in the scope, `careTeam` being the caregiver's patients now:
    /// the same rule as the query's, for alerts already in hand (the live feed).
    public func includes(patientID: Int64?, category: AlertCategory, careTeam: Set<Int64>) -> Bool {
        switch self {
        case .all: true
        case .careTeam: patientID.map(careTeam.contains) ?? false
        case .technical: category == .technical
        }
    }
}

/// What a list of alerts is narrowed to; nil fields do not narrow.
public struct AlertFilter: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
        case open, unacknowledged, acknowledged, resolved
    }
    public var patientID: Int64?
    public var priority: AlarmPriority?
    public var state: State?
    public var category: AlertCategory?
    public var assigneeID: Int64?
    /// Raised at or after `from`, before `to`.
    public var from: Date?
    public var to: Date?

    public init(patientID: Int64? = nil, priority: AlarmPriority? = nil, state: State? = nil, category: AlertCategory? = nil,
                assigneeID: Int64? = nil, from: Date? = nil, to: Date? = nil) {
        self.patientID = patientID
        self.priority = priority
        self.state = state
        self.category = category
        self.assigneeID = assigneeID
        self.from = from
        self.to = to
    }
}

extension AppDatabase {
    private static let alertRecordSQL = """
        SELECT al.id, al.patientID, al.state, al.updatedAt, al.assigneeID, acc.displayName AS assigneeName
        FROM alert al LEFT JOIN account acc ON acc.id = al.assigneeID
        """

    static func alertRecord(_ row: Row) throws -> AlertRecord {
        AlertRecord(
            id: row["id"], patientID: row["patientID"], alert: try JSONDecoder().decode(Alert.self, from: Data((row["state"] as String).utf8)),
            assigneeID: row["assigneeID"], assigneeName: row["assigneeName"], updatedAt: Date(millisecondsSince1970: row["updatedAt"]))
    }

    static func alertRecord(_ db: Database, id: Int64) throws -> AlertRecord {
        guard let row = try Row.fetchOne(db, sql: "\(alertRecordSQL) WHERE al.id = ?", arguments: [id]) else { throw AlertRequestError.unknownAlert(id) }
        return try alertRecord(row)
    }

    private static func scopeCondition(_ scope: AlertScope) -> (String, StatementArguments) {
        switch scope {
        case .all: ("1", [])
        case .careTeam(let caregiverID):
            ("al.patientID IN (SELECT patientID FROM careTeamMembership WHERE caregiverID = ? AND until IS NULL)", [caregiverID])
        case .technical: ("al.category = 'technical'", [])
        }
    }

    /// Alerts in `scope` matching `filter`, newest first, with ids below `cursor`, at most `limit`.
    public func alerts(in scope: AlertScope, _ filter: AlertFilter, before cursor: Int64?, limit: Int) async throws -> [AlertRecord] {
        let (scopeSQL, scopeArguments) = Self.scopeCondition(scope)
        var conditions = ["al.id < ?", scopeSQL]
        var arguments: StatementArguments = [cursor ?? Int64.max]
        arguments += scopeArguments
        if let patientID = filter.patientID {
            conditions.append("al.patientID = ?")
            arguments += [patientID]
        }
        if let priority = filter.priority {
            conditions.append("al.priority = ?")
            arguments += [priority.rawValue]
        }
        switch filter.state {
        case nil: break
        case .open: conditions.append("al.status != 'resolved'")
        case .some(let state):
            conditions.append("al.status = ?")
            arguments += [state.rawValue]
        }
        if let category = filter.category {
            conditions.append("al.category = ?")
            arguments += [category.rawValue]
        }
        if let assigneeID = filter.assigneeID {
            conditions.append("al.assigneeID = ?")
            arguments += [assigneeID]
        }
        if let from = filter.from {
            conditions.append("al.raisedAt >= ?")
            arguments += [from.millisecondsSince1970]
        }
        if let to = filter.to {
            conditions.append("al.raisedAt < ?")
            arguments += [to.millisecondsSince1970]
        }
        arguments += [limit]
        let query = arguments
        let sql = "\(Self.alertRecordSQL) WHERE \(conditions.joined(separator: " AND ")) ORDER BY al.id DESC LIMIT ?"
        return try await writer.read { db in try Row.fetchAll(db, sql: sql, arguments: query).map(Self.alertRecord) }
    }

    /// Alert `id` if it is in `scope`, else nil (the same answer as for no such alert).
    public func alert(id: Int64, in scope: AlertScope) async throws -> AlertRecord? {
        let (scopeSQL, scopeArguments) = Self.scopeCondition(scope)
        return try await writer.read { db in
            try Row.fetchOne(db, sql: "\(Self.alertRecordSQL) WHERE al.id = ? AND \(scopeSQL)", arguments: [id] + scopeArguments).map(Self.alertRecord)
        }
    }

    /// Alert `id`'s history, oldest first.
    public func alertEvents(alertID: Int64) async throws -> [AlertHistoryEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, at, actorID, event FROM alertEvent WHERE alertID = ? ORDER BY id", arguments: [alertID])
                .map(Self.alertHistoryEntry)
        }
    }

    /// One entry of an alert's history.
    public func alertEvent(id: Int64) async throws -> AlertHistoryEntry? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT id, at, actorID, event FROM alertEvent WHERE id = ?", arguments: [id]).map(Self.alertHistoryEntry)
        }
    }

    private static func alertHistoryEntry(_ row: Row) -> AlertHistoryEntry {
        AlertHistoryEntry(id: row["id"], at: Date(millisecondsSince1970: row["at"]), actorID: row["actorID"], event: row["event"])
    }
}

/// Open alerts counted by what /metrics reports them by.
public struct AlertCountKey: Sendable, Hashable {
    public var status: Alert.Status
    public var priority: AlarmPriority
    public var category: AlertCategory

    public init(status: Alert.Status, priority: AlarmPriority, category: AlertCategory) {
        self.status = status
        self.priority = priority
        self.category = category
    }
}

extension AppDatabase {
    /// How many alerts are open, by status, priority and category.
    public func openAlertCounts() async throws -> [AlertCountKey: Int] {
        try await writer.read { db in
            var counts: [AlertCountKey: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT status, priority, category, COUNT(*) AS count FROM alert WHERE status != 'resolved' GROUP BY status, priority, category
                """) {
                guard let status = Alert.Status(rawValue: row["status"]), let priority = AlarmPriority(rawValue: row["priority"]),
                      let category = AlertCategory(rawValue: row["category"]) else { continue }
                counts[AlertCountKey(status: status, priority: priority, category: category)] = row["count"]
            }
            return counts
        }
    }
}
