import Foundation
import GRDB
import Vitals

/// The fleet over a period, for technicians: each device's online share, battery, signal, firmware, its gateway's
/// outbox backlog and when it was last heard from.
public struct FleetReport: Sendable {
    public struct Device: Sendable {
        public var summary: DeviceSummary
        /// Share of the period the device's link was up, where known.
        public var uptime: Double?
        /// Battery at the period's first and last status report, and its lowest, in percent.
        public var batteryFirst: Int?
        public var batteryLast: Int?
        public var batteryLowest: Int?
        /// The median signal the device reported in the period, in dBm.
        public var medianRSSI: Double?
        /// Readings waiting in its gateway's outbox at the gateway's last report.
        public var outboxBacklog: Int?
    }

    public var period: Range<Date>
    public var devices: [Device]
}

/// How the care team handled alerts over a period: per person, and overall by priority, with escalations.
public struct OperationsReport: Sendable {
    public struct Person: Sendable {
        public var accountID: Int64
        public var displayName: String
        public var acknowledged: Int
        public var medianSecondsToAcknowledge: Double?
        public var resolved: Int
        public var medianSecondsToResolve: Double?
    }

    public struct Priority: Sendable {
        public var priority: AlarmPriority
        public var raised: Int
        public var acknowledged: Int
        public var medianSecondsToAcknowledge: Double?
        public var p90SecondsToAcknowledge: Double?
        public var resolved: Int
        public var medianSecondsToResolve: Double?
        /// Alerts that escalated past tier 0, and escalation events in all.
        public var escalatedAlerts: Int
        public var escalations: Int
    }

    public var period: Range<Date>
    public var people: [Person]
    public var priorities: [Priority]
}

extension AppDatabase {
    /// The fleet report for `period`.
    public func fleetReport(period: Range<Date>) async throws -> FleetReport {
        let devices = try await devices()
        return try await writer.read { db in
            let from = period.lowerBound.millisecondsSince1970, to = period.upperBound.millisecondsSince1970
            var rows: [FleetReport.Device] = []
            for device in devices {
                let batteries = try Int.fetchAll(db, sql: """
                    SELECT batteryPercent FROM deviceStatusEvent WHERE deviceID = ? AND at >= ? AND at < ? AND batteryPercent IS NOT NULL ORDER BY at, id
                    """, arguments: [device.id, from, to])
                let signals = try Double.fetchAll(db, sql: """
                    SELECT rssiDBm FROM deviceStatusEvent WHERE deviceID = ? AND at >= ? AND at < ? AND rssiDBm IS NOT NULL
                    """, arguments: [device.id, from, to])
                let backlog = try Int.fetchOne(db, sql: "SELECT outboxDepth FROM gateway WHERE id = ?", arguments: [device.gatewayID])
                rows.append(FleetReport.Device(
                    summary: device, uptime: try Self.uptime(db, deviceID: device.id, period: period), batteryFirst: batteries.first,
                    batteryLast: batteries.last, batteryLowest: batteries.min(), medianRSSI: ReportMath.median(signals), outboxBacklog: backlog))
            }
            return FleetReport(period: period, devices: rows)
        }
    }

    /// The operations report for alerts raised in `period`.
    public func operationsReport(period: Range<Date>) async throws -> OperationsReport {
        try await writer.read { db in
            let from = period.lowerBound.millisecondsSince1970, to = period.upperBound.millisecondsSince1970
            let alerts = try Row.fetchAll(db, sql: """
                SELECT al.id, al.priority, al.raisedAt,
                  (SELECT e.at FROM alertEvent e WHERE e.alertID = al.id AND e.event LIKE '{"acknowledged"%' ORDER BY e.id LIMIT 1) AS acknowledgedAt,
                  (SELECT e.actorID FROM alertEvent e WHERE e.alertID = al.id AND e.event LIKE '{"acknowledged"%' ORDER BY e.id LIMIT 1) AS acknowledgedBy,
                  (SELECT e.at FROM alertEvent e WHERE e.alertID = al.id AND e.event LIKE '{"resolved"%' ORDER BY e.id LIMIT 1) AS resolvedAt,
                  (SELECT e.actorID FROM alertEvent e WHERE e.alertID = al.id AND e.event LIKE '{"resolved"%' ORDER BY e.id LIMIT 1) AS resolvedBy,
                  (SELECT COUNT(*) FROM alertEvent e WHERE e.alertID = al.id AND e.event LIKE '{"escalated"%') AS escalations
                FROM alert al WHERE al.raisedAt >= ? AND al.raisedAt < ?
                """, arguments: [from, to])
            func seconds(_ row: Row, _ column: String) -> Double? {
                (row[column] as Int64?).map { Double($0 - (row["raisedAt"] as Int64)) / 1000 }
            }
            var priorities: [OperationsReport.Priority] = []
            for priority in AlarmPriority.allCases.reversed() {
                let rows = alerts.filter { $0["priority"] == priority.rawValue }
                guard !rows.isEmpty else { continue }
                let acknowledge = rows.compactMap { seconds($0, "acknowledgedAt") }.sorted()
                let resolve = rows.compactMap { seconds($0, "resolvedAt") }
                priorities.append(OperationsReport.Priority(
                    priority: priority, raised: rows.count, acknowledged: acknowledge.count, medianSecondsToAcknowledge: ReportMath.median(acknowledge),
                    p90SecondsToAcknowledge: ReportMath.percentile(acknowledge, 90), resolved: resolve.count, medianSecondsToResolve: ReportMath.median(resolve),
                    escalatedAlerts: rows.filter { ($0["escalations"] as Int) > 0 }.count, escalations: rows.map { $0["escalations"] as Int }.reduce(0, +)))
            }
            var people: [OperationsReport.Person] = []
            let names = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, displayName FROM account").map { ($0["id"] as Int64, $0["displayName"] as String) })
            let actors = Set(alerts.compactMap { $0["acknowledgedBy"] as Int64? } + alerts.compactMap { $0["resolvedBy"] as Int64? })
            for actor in actors.sorted() {
                let acknowledged = alerts.filter { $0["acknowledgedBy"] as Int64? == actor }.compactMap { seconds($0, "acknowledgedAt") }
                let resolved = alerts.filter { $0["resolvedBy"] as Int64? == actor }.compactMap { seconds($0, "resolvedAt") }
                people.append(OperationsReport.Person(
                    accountID: actor, displayName: names[actor] ?? "account \(actor)", acknowledged: acknowledged.count,
                    medianSecondsToAcknowledge: ReportMath.median(acknowledged), resolved: resolved.count, medianSecondsToResolve: ReportMath.median(resolved)))
            }
            return OperationsReport(period: period, people: people, priorities: priorities)
        }
    }
}
