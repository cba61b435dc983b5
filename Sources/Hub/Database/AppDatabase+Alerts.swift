import Foundation
import GRDB
import Telemetry
import Vitals

extension AppDatabase {
    /// Stores alert actions: a raised alert becomes a row, every change updates it, and each lifecycle event is
    /// appended to its history.
    static func store(_ actions: [(patientID: Int64, action: AlertStateMachine.Action)], _ db: Database, at time: Int64) throws {
        try store(actions.map { (Optional($0.patientID), $0.action) }, db, at: time, findingByCauseOnly: false)
    }

    static func store(_ actions: [(patientID: Int64?, action: AlertStateMachine.Action)], _ db: Database, at time: Int64, findingByCauseOnly: Bool,
                      actorID: Int64? = nil) throws {
        for (patientID, action) in actions {
            switch action {
            case .none:
                continue
            case .raise(let alert):
                try db.execute(sql: """
                    INSERT INTO alert (patientID, cause, causeKey, category, priority, status, condition, isLatching, raisedAt, updatedAt, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        patientID, json(alert.cause), alert.cause.description, alert.cause.category.rawValue, alert.priority.rawValue,
                        alert.status.rawValue, alert.condition.rawValue, alert.isLatching, alert.raisedAt.millisecondsSince1970, time, json(alert),
                    ])
                try appendEvent(db, alertID: db.lastInsertedRowID, at: time, event: "{\"raised\":{\"priority\":\(alert.priority.rawValue)}}", notifyTier: 0)
            case .update(let alert, let event), .notify(let alert, let event, _), .close(let alert, let event):
                let notifyTier: Int? = if case .notify(_, _, let tier) = action { tier } else { nil }
                let open = findingByCauseOnly
                    ? try Int64.fetchOne(db, sql: "SELECT id FROM alert WHERE causeKey = ? AND status != 'resolved'", arguments: [alert.cause.description])
                    : try Int64.fetchOne(db, sql: "SELECT id FROM alert WHERE patientID IS ? AND causeKey = ? AND status != 'resolved'",
                                         arguments: [patientID, alert.cause.description])
                guard let alertID = open else { throw AlertStorageError.noOpenAlert(cause: alert.cause.description, patientID: patientID) }
                try db.execute(sql: """
                    UPDATE alert SET priority = ?, status = ?, condition = ?, isLatching = ?, updatedAt = ?, state = ? WHERE id = ?
                    """, arguments: [alert.priority.rawValue, alert.status.rawValue, alert.condition.rawValue, alert.isLatching, time, json(alert), alertID])
                try appendEvent(db, alertID: alertID, at: time, event: json(event), actorID: actorID, notifyTier: notifyTier)
            }
        }
    }

    /// The open alerts of every patient, to restore the alert book at start-up.
    public func openAlerts() async throws -> [Int64: [Alert]] {
        try await writer.read { db in
            var result: [Int64: [Alert]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT patientID, state FROM alert WHERE status != 'resolved' AND patientID IS NOT NULL AND category = 'physiological' ORDER BY id") {
                let state: String = row["state"]
                result[row["patientID"], default: []].append(try JSONDecoder().decode(Alert.self, from: Data(state.utf8)))
            }
            return result
        }
    }

    static func appendEvent(_ db: Database, alertID: Int64, at time: Int64, event: String, actorID: Int64? = nil, notifyTier: Int? = nil) throws {
        try db.execute(sql: "INSERT INTO alertEvent (alertID, at, event, actorID, notifyTier) VALUES (?, ?, ?, ?, ?)",
                       arguments: [alertID, time, event, actorID, notifyTier])
    }

    static func json(_ value: some Encodable) -> String {
        String(decoding: PayloadCodec.encode(value), as: UTF8.self)
    }
}

/// The database and the alert book disagree: an action refers to an alert the database does not hold open.
public enum AlertStorageError: Error, Sendable, CustomStringConvertible {
    case noOpenAlert(cause: String, patientID: Int64?)

    public var description: String {
        switch self {
        case .noOpenAlert(let cause, let patientID): "no open alert for \(cause) of patient \(patientID.map(String.init) ?? "(none)") to update"
        }
    }
}

extension AppDatabase {
    /// Stores technical alert actions. A technical alert is found again by its cause alone (which names the device),
    /// and is filed under the patient the device is assigned to when it is raised, if any.
    public func storeTechnical(_ actions: [AlertStateMachine.Action], at time: Date) async throws {
        try await storeTechnical(at: time) { actions }
    }

    /// Stores the technical alarms' actions that `compute` returns, computing them in the database writer's turn:
    /// actions are stored in the order the alarms' state produced them, whichever task asks (a tick's "offline"
    /// can never land after the readings that cleared it).
    public func storeTechnical(at time: Date, computing compute: @escaping @Sendable () -> [AlertStateMachine.Action]) async throws {
        let now = time.millisecondsSince1970
        try await writer.write { db in
            let actions = compute()
            guard !actions.isEmpty else { return }
            var filed: [(patientID: Int64?, action: AlertStateMachine.Action)] = []
            for action in actions {
                guard let alert = action.alert, case .technical(_, let device) = alert.cause else { continue }
                let patient = try Int64.fetchOne(db, sql: """
                    SELECT a.patientID FROM deviceAssignment a JOIN device d ON d.id = a.deviceID WHERE d.externalID = ? AND a.until IS NULL
                    """, arguments: [device])
                filed.append((patient, action))
            }
            try Self.store(filed, db, at: now, findingByCauseOnly: true)
        }
    }

    /// Technical alerts still open, to restore at start-up.
    public func openTechnicalAlerts() async throws -> [Alert] {
        try await writer.read { db in
            try String.fetchAll(db, sql: "SELECT state FROM alert WHERE status != 'resolved' AND category = 'technical' ORDER BY id")
                .map { try JSONDecoder().decode(Alert.self, from: Data($0.utf8)) }
        }
    }

    /// Which gateway each device belongs to.
    public func deviceGateways() async throws -> [String: String] {
        try await writer.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT externalID, gatewayID FROM device").map { ($0["externalID"], $0["gatewayID"]) })
        }
    }
}
