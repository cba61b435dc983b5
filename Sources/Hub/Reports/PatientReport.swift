import Foundation
import GRDB
import Vitals

/// A patient's period in figures: each vital's spread and time in range, NEWS2 over time, alerts with how soon
/// they were acknowledged, how complete the data was, and how long their devices were online.
public struct PatientReport: Sendable {
    public struct Vital: Sendable {
        public var kind: VitalKind
        /// Usable readings (plausible, not flagged by the device).
        public var count: Int
        public var minimum: Double?
        public var maximum: Double?
        public var mean: Double?
        public var p5: Double?
        public var p95: Double?
        /// The share of readings NEWS2 scores 0 for (its chart's normal range), for the vitals it scores.
        public var timeInRange: Double?
        /// Continuous vitals: minutes with at least one reading, of the minutes a device was assigned to the patient.
        public var minutesWithData: Int?
        public var minutesMonitored: Int?
        public var completeness: Double? {
            guard let minutesWithData, let minutesMonitored, minutesMonitored > 0 else { return nil }
            return min(1, Double(minutesWithData) / Double(minutesMonitored))
        }
    }

    /// NEWS2 from the latest readings at a moment (every 6 hours through the period).
    public struct Score: Sendable {
        public var at: Date
        /// Nil until every parameter is known.
        public var total: Int?
        public var partialTotal: Int
    }

    public struct Alerts: Sendable {
        public var priority: AlarmPriority
        public var raised: Int
        public var acknowledged: Int
        public var medianSecondsToAcknowledge: Double?
    }

    public struct Device: Sendable {
        public var deviceID: String
        /// Share of the period its link was up, where known.
        public var uptime: Double?
    }

    public var patient: Patient
    public var period: Range<Date>
    public var vitals: [Vital]
    public var news2: [Score]
    public var alerts: [Alerts]
    public var devices: [Device]

    /// The vitals measured continuously, whose completeness is counted in minutes.
    public static let continuous: Set<VitalKind> = [.oxygenSaturation, .pulseRate, .heartRate, .respiratoryRate]
    /// How often the NEWS2 trend is sampled.
    public static let scoreInterval: TimeInterval = 6 * 3600
}

extension AppDatabase {
    /// The report of `patient` for `period` (at most 31 days).
    public func patientReport(_ patient: Patient, period: Range<Date>) async throws -> PatientReport {
        try await writer.read { db in
            let from = period.lowerBound.millisecondsSince1970, to = period.upperBound.millisecondsSince1970
            let settings = patient.earlyWarningSettings
            let assigned = try Self.monitoredMinutes(db, patientID: patient.id, period: period)
            var vitals: [PatientReport.Vital] = []
            for kind in VitalKind.allCases where kind != .fallEvent {
                let values = try Double.fetchAll(db, sql: """
                    SELECT value FROM reading WHERE patientID = ? AND kind = ? AND measuredAt >= ? AND measuredAt < ? AND \(ReadingSummaries.usableSQL)
                    """, arguments: [patient.id, kind.storageCode, from, to]).sorted()
                guard !values.isEmpty else { continue }
                let scored = values.compactMap { ReportMath.news2Points(kind, $0, settings: settings) }
                let minutes = Self.continuousKinds.contains(kind) ? try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM readingRollup WHERE patientID = ? AND kind = ? AND resolution = 60 AND bucketStart >= ? AND bucketStart < ?
                    """, arguments: [patient.id, kind.storageCode, from, to]) : nil
                vitals.append(PatientReport.Vital(
                    kind: kind, count: values.count, minimum: values.first, maximum: values.last, mean: values.reduce(0, +) / Double(values.count),
                    p5: ReportMath.percentile(values, 5), p95: ReportMath.percentile(values, 95),
                    timeInRange: scored.isEmpty ? nil : Double(scored.filter { $0 == 0 }.count) / Double(scored.count),
                    minutesWithData: minutes, minutesMonitored: minutes == nil ? nil : assigned))
            }

            var news2: [PatientReport.Score] = []
            var at = period.lowerBound.addingTimeInterval(PatientReport.scoreInterval)
            while at <= period.upperBound {
                var readings: [Reading] = []
                for kind in [VitalKind.respiratoryRate, .oxygenSaturation, .systolicBloodPressure, .pulseRate, .heartRate, .bodyTemperature] {
                    if let row = try Row.fetchOne(db, sql: """
                        SELECT value, measuredAt, flags FROM reading WHERE patientID = ? AND kind = ? AND measuredAt <= ? AND \(ReadingSummaries.usableSQL)
                        ORDER BY measuredAt DESC LIMIT 1
                        """, arguments: [patient.id, kind.storageCode, at.millisecondsSince1970]) {
                        readings.append(Reading(kind: kind, value: row["value"], measuredAt: Date(millisecondsSince1970: row["measuredAt"]),
                                                deviceFlags: DeviceQualityFlags(rawValue: UInt16(clamping: row["flags"] as Int))))
                    }
                }
                let score = EarlyWarningTracker.score(of: readings, settings: settings, at: at)
                news2.append(PatientReport.Score(at: at, total: score.total, partialTotal: score.partialTotal))
                at = at.addingTimeInterval(PatientReport.scoreInterval)
            }

            var alerts: [PatientReport.Alerts] = []
            let raised = try Row.fetchAll(db, sql: """
                SELECT al.priority, al.raisedAt,
                  (SELECT MIN(e.at) FROM alertEvent e WHERE e.alertID = al.id AND e.event LIKE '{"acknowledged"%') AS acknowledgedAt
                FROM alert al WHERE al.patientID = ? AND al.raisedAt >= ? AND al.raisedAt < ?
                """, arguments: [patient.id, from, to])
            for priority in AlarmPriority.allCases.reversed() {
                let rows = raised.filter { $0["priority"] == priority.rawValue }
                guard !rows.isEmpty else { continue }
                let waits = rows.compactMap { row -> Double? in
                    (row["acknowledgedAt"] as Int64?).map { Double($0 - (row["raisedAt"] as Int64)) / 1000 }
                }
                alerts.append(PatientReport.Alerts(priority: priority, raised: rows.count, acknowledged: waits.count,
                                                   medianSecondsToAcknowledge: ReportMath.median(waits)))
            }

            var devices: [PatientReport.Device] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT DISTINCT d.id, d.externalID FROM deviceAssignment da JOIN device d ON d.id = da.deviceID
                WHERE da.patientID = ? AND da.since < ? AND (da.until IS NULL OR da.until > ?) ORDER BY d.externalID
                """, arguments: [patient.id, to, from]) {
                devices.append(PatientReport.Device(deviceID: row["externalID"], uptime: try Self.uptime(db, deviceID: row["id"], period: period)))
            }
            return PatientReport(patient: patient, period: period, vitals: vitals, news2: news2, alerts: alerts, devices: devices)
        }
    }

    static let continuousKinds = PatientReport.continuous

    /// The minutes of `period` during which at least one device was assigned to the patient, counted as the
    /// readings' minutes are (clock minutes a span touches, partial ones included), so the minutes with data, which
    /// can only fall inside an assignment, never outnumber them.
    static func monitoredMinutes(_ db: Database, patientID: Int64, period: Range<Date>) throws -> Int {
        let from = period.lowerBound.millisecondsSince1970, to = period.upperBound.millisecondsSince1970
        let spans = try Row.fetchAll(db, sql: """
            SELECT MAX(since, ?) AS start, MIN(COALESCE(until, ?), ?) AS end FROM deviceAssignment
            WHERE patientID = ? AND since < ? AND (until IS NULL OR until > ?) ORDER BY start
            """, arguments: [from, to, to, patientID, to, from]).map { ($0["start"] as Int64, $0["end"] as Int64) }
        return ReportMath.minutesTouched(by: spans)
    }

    /// The share of `period` device `deviceID`'s link was up, from its status history.
    static func uptime(_ db: Database, deviceID: Int64, period: Range<Date>) throws -> Double? {
        let from = period.lowerBound.millisecondsSince1970, to = period.upperBound.millisecondsSince1970
        let initial = try Bool.fetchOne(db, sql: """
            SELECT connected FROM deviceStatusEvent WHERE deviceID = ? AND at <= ? AND connected IS NOT NULL ORDER BY at DESC, id DESC LIMIT 1
            """, arguments: [deviceID, from])
        let changes = try Row.fetchAll(db, sql: """
            SELECT at, connected FROM deviceStatusEvent WHERE deviceID = ? AND at > ? AND at < ? AND connected IS NOT NULL ORDER BY at, id
            """, arguments: [deviceID, from, to]).map { (at: Date(millisecondsSince1970: $0["at"]), up: $0["connected"] as Bool) }
        return ReportMath.uptime(initial: initial, changes: changes, period: period)
    }
}
