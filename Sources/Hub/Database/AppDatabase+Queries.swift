import Foundation
import GRDB
import Vitals

/// An alert as listed for people: enough to decide what to look at.
public struct AlertSummary: Sendable, Hashable {
    public var id: Int64
    public var patientID: Int64?
    public var cause: String
    public var priority: AlarmPriority
    public var status: Alert.Status
    public var condition: Alert.Condition
    /// When it was raised and last changed (ms since 1970).
    public var raisedAt: Int64
    public var updatedAt: Int64
    /// The evidence's sentence ("SpO2 below 90 % for 1 min").
    public var summary: String
}

extension AppDatabase {
    /// Alerts, highest priority and newest first; only open ones unless `includeResolved`.
    public func alertSummaries(includeResolved: Bool = false, limit: Int = 100) async throws -> [AlertSummary] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, patientID, causeKey, priority, status, condition, raisedAt, updatedAt, state FROM alert
                \(includeResolved ? "" : "WHERE status != 'resolved'") ORDER BY priority DESC, raisedAt DESC LIMIT ?
                """, arguments: [limit]).map { row in
                let state: String = row["state"]
                let alert = try JSONDecoder().decode(Alert.self, from: Data(state.utf8))
                return AlertSummary(
                    id: row["id"], patientID: row["patientID"], cause: row["causeKey"], priority: alert.priority, status: alert.status,
                    condition: alert.condition, raisedAt: row["raisedAt"], updatedAt: row["updatedAt"], summary: alert.evidence.summary)
            }
        }
    }
}

extension AppDatabase {
    /// Every patient's stored rule overrides (RuleConfiguration's JSON form), for the rule provider at start-up.
    public func ruleOverrides() async throws -> [Int64: [UInt8]] {
        try await writer.read { db in
            var result: [Int64: [UInt8]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, ruleOverrides FROM patient WHERE ruleOverrides IS NOT NULL") {
                let json: String = row["ruleOverrides"]
                result[row["id"]] = Array(json.utf8)
            }
            return result
        }
    }
}
