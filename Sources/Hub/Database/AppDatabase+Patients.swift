import Foundation
import GRDB
import Vitals

extension AppDatabase {
    private static let patientColumns = "id, displayName, yearOfBirth, conditions, spo2Scale, onOxygen, consciousness, createdAt"

    private static func patient(_ row: Row) throws -> Patient {
        let conditions: String = row["conditions"]
        return Patient(
            id: row["id"], displayName: row["displayName"], yearOfBirth: row["yearOfBirth"],
            conditions: try JSONDecoder().decode([String].self, from: Data(conditions.utf8)), spo2Scale: row["spo2Scale"],
            onOxygen: row["onOxygen"], consciousness: (row["consciousness"] as String?).flatMap(EarlyWarningScore.Consciousness.init(rawValue:)),
            createdAt: Date(millisecondsSince1970: row["createdAt"]))
    }

    /// Adds a patient with their record and returns it.
    public func createPatient(displayName: String, yearOfBirth: Int?, conditions: [String], spo2Scale: Int, onOxygen: Bool,
                              consciousness: EarlyWarningScore.Consciousness? = nil, at time: Date) async throws -> Patient {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO patient (displayName, yearOfBirth, conditions, spo2Scale, onOxygen, consciousness, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [displayName, yearOfBirth, try Self.json(conditions), spo2Scale, onOxygen, consciousness?.rawValue,
                                 time.millisecondsSince1970])
            return try Self.patient(db, id: db.lastInsertedRowID)
        }
    }

    /// The patient `id`, or nil.
    public func patient(id: Int64) async throws -> Patient? {
        try await writer.read { db in try? Self.patient(db, id: id) }
    }

    /// Patients in `scope`, in id order after `cursor`, at most `limit`.
    public func patients(in scope: PatientScope, after cursor: Int64?, limit: Int) async throws -> [Patient] {
        let (condition, arguments) = Self.condition(scope)
        return try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.patientColumns) FROM patient WHERE \(condition) AND id > ? ORDER BY id LIMIT ?",
                             arguments: arguments + [cursor ?? 0, limit]).map(Self.patient)
        }
    }

    /// The ids of the patients in `scope`: who a caller may see, without reading their records.
    public func patientIDs(in scope: PatientScope) async throws -> Set<Int64> {
        let (condition, arguments) = Self.condition(scope)
        return try await writer.read { db in Set(try Int64.fetchAll(db, sql: "SELECT id FROM patient WHERE \(condition)", arguments: arguments)) }
    }

    private static func condition(_ scope: PatientScope) -> (String, StatementArguments) {
        switch scope {
        case .all: ("1", [])
        case .careTeam(let caregiverID):
            ("id IN (SELECT patientID FROM careTeamMembership WHERE caregiverID = ? AND until IS NULL)", [caregiverID])
        case .only(let patientID): ("id = ?", [patientID])
        case .none: ("0", [])
        }
    }

    /// Applies `changes` to patient `id` and returns the record as it now is; nil when there is no such patient.
    public func updatePatient(id: Int64, _ changes: PatientChanges) async throws -> Patient? {
        try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [id]) == true else { return nil }
            if let displayName = changes.displayName {
                try db.execute(sql: "UPDATE patient SET displayName = ? WHERE id = ?", arguments: [displayName, id])
            }
            if let yearOfBirth = changes.yearOfBirth {
                try db.execute(sql: "UPDATE patient SET yearOfBirth = ? WHERE id = ?", arguments: [yearOfBirth, id])
            }
            if let conditions = changes.conditions {
                try db.execute(sql: "UPDATE patient SET conditions = ? WHERE id = ?", arguments: [try Self.json(conditions), id])
            }
            if let spo2Scale = changes.spo2Scale {
                try db.execute(sql: "UPDATE patient SET spo2Scale = ? WHERE id = ?", arguments: [spo2Scale, id])
            }
            if let onOxygen = changes.onOxygen {
                try db.execute(sql: "UPDATE patient SET onOxygen = ? WHERE id = ?", arguments: [onOxygen, id])
            }
            if let consciousness = changes.consciousness {
                try db.execute(sql: "UPDATE patient SET consciousness = ? WHERE id = ?", arguments: [consciousness?.rawValue, id])
            }
            return try Self.patient(db, id: id)
        }
    }

    /// Whether `caregiverID` is on patient `patientID`'s care team now.
    public func isOnCareTeam(caregiverID: Int64, patientID: Int64) async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM careTeamMembership WHERE caregiverID = ? AND patientID = ? AND until IS NULL",
                              arguments: [caregiverID, patientID]) == true
        }
    }

    /// Puts a caregiver on a patient's care team, or takes them off, from `time` on. Returns false when nothing
    /// changed (already on, or not on).
    @discardableResult
    public func setCareTeamMember(patientID: Int64, caregiverID: Int64, member: Bool, at time: Date) async throws -> Bool {
        try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [patientID]) == true else {
                throw AccountError.patientNotFound(patientID)
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE id = ? AND role = 'caregiver' AND active", arguments: [caregiverID]) == true
                || !member
            else { throw AccountError.notACaregiver(caregiverID) }
            let now = time.millisecondsSince1970
            if member {
                try db.execute(sql: """
                    INSERT INTO careTeamMembership (patientID, caregiverID, since) SELECT ?, ?, ?
                    WHERE NOT EXISTS (SELECT 1 FROM careTeamMembership WHERE patientID = ? AND caregiverID = ? AND until IS NULL)
                    """, arguments: [patientID, caregiverID, now, patientID, caregiverID])
            } else {
                try db.execute(sql: "UPDATE careTeamMembership SET until = ? WHERE patientID = ? AND caregiverID = ? AND until IS NULL",
                               arguments: [now, patientID, caregiverID])
            }
            return db.changesCount > 0
        }
    }

    /// A patient's care team: current members, and past ones too with `includingPast`.
    public func careTeam(patientID: Int64, includingPast: Bool) async throws -> [CareTeamMembership] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.since, m.until, \(Self.joinedAccountColumns)
                FROM careTeamMembership m JOIN account a ON a.id = m.caregiverID
                WHERE m.patientID = ? \(includingPast ? "" : "AND m.until IS NULL") ORDER BY m.since, m.id
                """, arguments: [patientID]).map { row in
                CareTeamMembership(patientID: patientID, caregiver: Self.account(row), since: Date(millisecondsSince1970: row["since"]),
                                   until: (row["until"] as Int64?).map(Date.init(millisecondsSince1970:)))
            }
        }
    }

    static func patient(_ db: Database, id: Int64) throws -> Patient {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(patientColumns) FROM patient WHERE id = ?", arguments: [id]) else {
            throw AccountError.patientNotFound(id)
        }
        return try patient(row)
    }

    private static func json(_ strings: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(strings), as: UTF8.self)
    }
}

extension AppDatabase {
    /// Every patient's NEWS2 settings from their record, for the alert book at start-up.
    public func earlyWarningSettings() async throws -> [Int64: EarlyWarningSettings] {
        try await writer.read { db in
            var result: [Int64: EarlyWarningSettings] = [:]
            for patient in try Row.fetchAll(db, sql: "SELECT \(Self.patientColumns) FROM patient").map(Self.patient) {
                result[patient.id] = patient.earlyWarningSettings
            }
            return result
        }
    }

    /// Stores a patient's rule overrides (RuleConfiguration's JSON form; nil: the defaults).
    public func setRuleOverrides(patientID: Int64, json: [UInt8]?) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE patient SET ruleOverrides = ? WHERE id = ?", arguments: [json.map { String(decoding: $0, as: UTF8.self) }, patientID])
            guard db.changesCount > 0 else { throw AccountError.patientNotFound(patientID) }
        }
    }

    /// A patient's stored rule overrides (RuleConfiguration's JSON form), nil for none.
    public func ruleOverrides(patientID: Int64) async throws -> [UInt8]? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT ruleOverrides FROM patient WHERE id = ?", arguments: [patientID]).map { Array($0.utf8) }
        }
    }
}
