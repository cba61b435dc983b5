import Foundation
import GRDB
import Vitals

/// Something that changed, as the live feed finds it in the database: it tells connected people what to fetch.
public enum LiveChange: Sendable, Hashable {
    /// An entry of an alert's history (`eventID` is the resume cursor's position).
    case alert(eventID: Int64, alertID: Int64, patientID: Int64?, category: AlertCategory, deviceID: String?)
    /// A device's status changed, or its gateway went online or offline.
    case device(externalID: String)
    /// A patient's latest readings changed.
    case vitals(patientID: Int64)
}

/// Where the live feed has read up to. Alert changes are not the feed's: each client reads them after its own
/// cursor (``AppDatabase/alertChanges(after:limit:)``), so none is lost to a slow client.
public struct LivePosition: Sendable, Hashable {
    public var deviceEvent: Int64 = 0
    public var gatewayEvent: Int64 = 0
    public var latestReadings: [Int64: Int64] = [:]

    public init() {}
}

extension AppDatabase {
    /// The position now: changes after it are news.
    public func livePosition() async throws -> LivePosition {
        try await writer.read { db in
            var position = LivePosition()
            position.deviceEvent = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM deviceStatusEvent") ?? 0
            position.gatewayEvent = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM gatewayStatusEvent") ?? 0
            position.latestReadings = try Self.latestReadingTimes(db)
            return position
        }
    }

    /// The latest entry of any alert's history: a new client's cursor.
    public func lastAlertEventID() async throws -> Int64 {
        try await writer.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM alertEvent") ?? 0 }
    }

    /// Alert history entries after `eventID`, oldest first, at most `limit`: what a reconnecting client missed.
    public func alertChanges(after eventID: Int64, limit: Int) async throws -> [LiveChange] {
        try await writer.read { db in try Self.alertChanges(db, after: eventID, limit: limit) }
    }

    /// Device changes since `position` and, with `vitals`, patients' latest readings too; and the position after
    /// them. Vitals are compared by each patient's latest measurement time, so a reading arriving late for an older
    /// time is not news.
    public func liveChanges(since position: LivePosition, vitals: Bool) async throws -> (changes: [LiveChange], position: LivePosition) {
        try await writer.read { db in
            var next = position
            var changes: [LiveChange] = []
            var devices: [String] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT e.id, d.externalID FROM deviceStatusEvent e JOIN device d ON d.id = e.deviceID WHERE e.id > ? ORDER BY e.id
                """, arguments: [position.deviceEvent]) {
                next.deviceEvent = row["id"]
                devices.append(row["externalID"])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT e.id, d.externalID FROM gatewayStatusEvent e LEFT JOIN device d ON d.gatewayID = e.gatewayID WHERE e.id > ? ORDER BY e.id
                """, arguments: [position.gatewayEvent]) {
                next.gatewayEvent = max(next.gatewayEvent, row["id"])
                if let device: String = row["externalID"] { devices.append(device) }
            }
            var seen: Set<String> = []
            changes += devices.filter { seen.insert($0).inserted }.map { .device(externalID: $0) }
            guard vitals else { return (changes, next) }
            let latest = try Self.latestReadingTimes(db)
            for (patient, time) in latest.sorted(by: { $0.key < $1.key }) where (position.latestReadings[patient] ?? .min) < time {
                changes.append(.vitals(patientID: patient))
            }
            next.latestReadings = latest
            return (changes, next)
        }
    }

    private static func alertChanges(_ db: Database, after eventID: Int64, limit: Int) throws -> [LiveChange] {
        try Row.fetchAll(db, sql: """
            SELECT e.id, e.alertID, a.patientID, a.category, a.cause FROM alertEvent e JOIN alert a ON a.id = e.alertID
            WHERE e.id > ? ORDER BY e.id LIMIT ?
            """, arguments: [eventID, limit]).map { row in
            let cause = try? JSONDecoder().decode(AlertCause.self, from: Data((row["cause"] as String).utf8))
            let device: String? = switch cause {
            case .technical(_, let device)?, .fall(let device)?: device
            default: nil
            }
            return .alert(eventID: row["id"], alertID: row["alertID"], patientID: row["patientID"],
                          category: AlertCategory(rawValue: row["category"]) ?? .physiological, deviceID: device)
        }
    }

    private static func latestReadingTimes(_ db: Database) throws -> [Int64: Int64] {
        var times: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT patientID, MAX(measuredAt) AS at FROM latestReading GROUP BY patientID") {
            times[row["patientID"]] = row["at"]
        }
        return times
    }
}
