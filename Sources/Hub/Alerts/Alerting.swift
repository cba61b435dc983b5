import Foundation
import GRDB
import Logging
import Synchronization
import Vitals

/// A person's action on an alert.
public enum AlertAction: Sendable, Hashable {
    /// Take the alert on: escalation stops.
    case acknowledge
    /// Close it, with an optional note; refused while its condition still holds.
    case resolve(note: String?)
    /// Hold back re-notification and escalation until `until`.
    case snooze(until: Date)
}

/// Who did something to an alert: the account, and the name its history shows.
public struct AlertActor: Sendable, Hashable {
    public var accountID: Int64
    public var name: String

    public init(accountID: Int64, name: String) {
        self.accountID = accountID
        self.name = name
    }
}

/// Why a person's request about an alert was refused (besides what ``AlertTransitionError`` says).
public enum AlertRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownAlert(Int64)
    /// The account cannot be assigned this alert (not an active caregiver on the patient's care team, or for a
    /// technical alert not a technician either).
    case notAssignable(accountID: Int64)

    public var description: String {
        switch self {
        case .unknownAlert(let id): "no alert \(id)"
        case .notAssignable(let id): "account \(id) cannot be assigned this alert: it must be an active caregiver on the patient's care team, or a technician for a device alert"
        }
    }
}

/// The hub's live alerting: every patient's alert book, the devices' technical alarms, the rules and NEWS2 settings
/// they follow, and the escalation policy. Ingest feeds it readings; people act on its alerts through the API.
///
/// Every change is computed and stored in the database writer's turn, the same turn ingest evaluates readings in,
/// so a person's acknowledgement and a reading's re-notification can never be built from the same old state.
public final class Alerting: Sendable {
    public let database: AppDatabase
    public let book: AlertBook
    public let technical: TechnicalAlarms
    public let rules: RuleSetProvider
    private let earlyWarning: EarlyWarningSettingsStore

    /// Alerting with nothing open, the default rules and `policy`; see ``load(database:logger:now:)`` for a hub
    /// that starts from what its database holds.
    public init(database: AppDatabase, rules: RuleSetProvider = RuleSetProvider(), policy: AlertPolicy = .standard,
                technicalPolicy: TechnicalAlarmPolicy = .standard, earlyWarningSettings: [Int64: EarlyWarningSettings] = [:]) {
        self.database = database
        self.rules = rules
        let earlyWarning = EarlyWarningSettingsStore(earlyWarningSettings)
        self.earlyWarning = earlyWarning
        book = AlertBook(policy: policy, earlyWarningSettings: { earlyWarning.settings(for: $0) }, rules: { rules.rules(for: $0) })
        technical = TechnicalAlarms(policy: technicalPolicy, alertPolicy: policy)
    }

    /// Alerting as the database left it: patients' rule overrides (invalid ones logged and replaced by the
    /// defaults), NEWS2 settings, the stored escalation policy, and the open alerts.
    public static func load(database: AppDatabase, logger: Logger, now: Date) async throws -> Alerting {
        let rules = RuleSetProvider()
        for (patientID, json) in try await database.ruleOverrides() {
            do {
                try rules.setOverrides(try RuleConfiguration.overrides(fromJSON: json), for: patientID)
            } catch {
                logger.error("patient's rule overrides are invalid; using the defaults", metadata: ["patient": "\(patientID)", "error": "\(error)"])
            }
        }
        var policy = AlertPolicy.standard
        if let stored = try await database.alertPolicy() {
            do {
                policy = try stored.validated()
            } catch {
                logger.error("the stored escalation policy is not valid (any more); using the standard one until an admin sets one",
                             metadata: ["error": "\(error)"])
            }
        }
        let alerting = Alerting(database: database, rules: rules, policy: policy, earlyWarningSettings: try await database.earlyWarningSettings())
        for (patientID, open) in try await database.openAlerts() { alerting.book.restore(patientID: patientID, openAlerts: open) }
        alerting.technical.restore(try await database.openTechnicalAlerts(), gatewayOf: try await database.deviceGateways(), now: now)
        return alerting
    }

    // MARK: People's actions

    /// Acknowledges, resolves or snoozes alert `id`; returns it as it now is.
    @discardableResult
    public func perform(_ action: AlertAction, onAlert id: Int64, by actor: AlertActor, at time: Date) async throws -> AlertRecord {
        let now = time.millisecondsSince1970
        let (book, technical) = (book, technical)
        return try await database.writer.writeWithoutTransaction { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT patientID, cause, status FROM alert WHERE id = ?", arguments: [id]) else {
                throw AlertRequestError.unknownAlert(id)
            }
            guard (row["status"] as String) != Alert.Status.resolved.rawValue else { throw AlertTransitionError.noOpenAlert }
            let cause = try JSONDecoder().decode(AlertCause.self, from: Data((row["cause"] as String).utf8))
            let patientID: Int64? = row["patientID"]
            let apply = { (machine: inout AlertStateMachine) throws(AlertTransitionError) -> AlertStateMachine.Action in
                switch action {
                case .acknowledge: try machine.acknowledge(by: actor.name, at: time)
                case .resolve(let note): try machine.resolve(by: actor.name, note: note, at: time)
                case .snooze(let until): try machine.snooze(by: actor.name, until: until, at: time)
                }
            }
            if case .technical(let condition, let deviceID) = cause {
                // Technical alarms change only in the writer's turn: work on a copy, adopt it once stored.
                guard var machine = technical.machine(deviceID: deviceID, condition: condition) else { throw AlertTransitionError.noOpenAlert }
                let result = try apply(&machine)
                try db.inTransaction {
                    try AppDatabase.store([(patientID, result)], db, at: now, findingByCauseOnly: true, actorID: actor.accountID)
                    return .commit
                }
                technical.adopt(machine, deviceID: deviceID, condition: condition)
            } else {
                guard let patientID else { throw AlertTransitionError.noOpenAlert }
                try AppDatabase.commit(book, db, at: now, actorID: actor.accountID) { try book.perform(patientID: patientID, cause: cause, apply) }
            }
            return try AppDatabase.alertRecord(db, id: id)
        }
    }

    /// Assigns alert `id` to an account (nil: unassigns it). A patient's alert goes to a caregiver on their care
    /// team; a device's alert to a technician or such a caregiver. Recorded in the alert's history.
    @discardableResult
    public func assign(alert id: Int64, to assigneeID: Int64?, by actor: AlertActor, at time: Date) async throws -> AlertRecord {
        try await database.writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT patientID, category, status FROM alert WHERE id = ?", arguments: [id]) else {
                throw AlertRequestError.unknownAlert(id)
            }
            guard (row["status"] as String) != Alert.Status.resolved.rawValue else { throw AlertTransitionError.noOpenAlert }
            if let assigneeID {
                let patientID: Int64? = row["patientID"]
                let technicalAlert = (row["category"] as String) == AlertCategory.technical.rawValue
                let assignable = try Bool.fetchOne(db, sql: """
                    SELECT 1 FROM account a WHERE a.id = ? AND a.active AND (
                      (a.role = 'technician' AND ?) OR
                      (a.role = 'caregiver' AND EXISTS (SELECT 1 FROM careTeamMembership m WHERE m.caregiverID = a.id AND m.patientID = ? AND m.until IS NULL)))
                    """, arguments: [assigneeID, technicalAlert, patientID]) == true
                guard assignable else { throw AlertRequestError.notAssignable(accountID: assigneeID) }
            }
            try db.execute(sql: "UPDATE alert SET assigneeID = ?, updatedAt = ? WHERE id = ?", arguments: [assigneeID, time.millisecondsSince1970, id])
            let event = assigneeID.map { "{\"assigned\":{\"to\":\($0),\"by\":\(AppDatabase.json(actor.name))}}" } ?? "{\"unassigned\":{\"by\":\(AppDatabase.json(actor.name))}}"
            try AppDatabase.appendEvent(db, alertID: id, at: time.millisecondsSince1970, event: event, actorID: actor.accountID)
            return try AppDatabase.alertRecord(db, id: id)
        }
    }

    // MARK: Settings

    /// Validates and stores a patient's rule overrides (RuleConfiguration's `{"overrides": [...]}` form; nil goes
    /// back to the defaults), and lets the patient's alerting follow at once. Returns the rules now in force.
    @discardableResult
    public func setRuleOverrides(_ json: [UInt8]?, patientID: Int64, at time: Date) async throws -> RuleSet {
        let overrides = try json.map { bytes throws(RuleValidationError) in try RuleConfiguration.overrides(fromJSON: bytes) } ?? []
        let ruleSet = try rules.validate(overrides)
        let (rules, book) = (rules, book)
        try await database.writer.writeWithoutTransaction { db in
            let previous = rules.overrides(for: patientID)
            do {
                try AppDatabase.commit(book, db, at: time.millisecondsSince1970, alongside: { db in
                    try db.execute(sql: "UPDATE patient SET ruleOverrides = ? WHERE id = ?",
                                   arguments: [json.map { String(decoding: $0, as: UTF8.self) }, patientID])
                    guard db.changesCount > 0 else { throw AccountError.patientNotFound(patientID) }
                    try rules.setOverrides(overrides, for: patientID)
                }, evaluating: { book.settingsChanged(patientID: patientID, at: time) })
            } catch {
                // The transaction rolled back: the rules in memory go back with it.
                try? rules.setOverrides(previous, for: patientID)
                throw error
            }
        }
        return ruleSet
    }

    /// Patient `id`'s record changed (or was created): their NEWS2 settings follow at once, scored again. The
    /// record is read in the writer's turn, so of two changes in quick succession the alert book follows the
    /// database's last one, whichever call comes last.
    public func patientChanged(id: Int64, at time: Date) async throws {
        let (book, earlyWarning) = (book, earlyWarning)
        try await database.writer.writeWithoutTransaction { db in
            let settings = try AppDatabase.patient(db, id: id).earlyWarningSettings
            let previous = earlyWarning.set(settings, for: id)
            guard previous != settings else { return }
            do {
                try AppDatabase.commit(book, db, at: time.millisecondsSince1970) { book.settingsChanged(patientID: id, at: time) }
            } catch {
                _ = earlyWarning.set(previous, for: id)
                throw error
            }
        }
    }

    /// Stores the escalation policy and applies it to alerts raised from now on.
    public func setPolicy(_ document: AlertPolicyDocument) async throws {
        let policy = try document.validated()
        try await database.setAlertPolicy(document)
        // In the writer's turn: an evaluation in flight must not adopt states built with the old policy after this.
        let (book, technical) = (book, technical)
        try await database.writer.write { _ in
            book.setPolicy(policy)
            technical.setAlertPolicy(policy)
        }
    }
}

/// Each patient's NEWS2 settings, as their records say, for the alert book.
private final class EarlyWarningSettingsStore: Sendable {
    private let settings: Mutex<[Int64: EarlyWarningSettings]>

    init(_ settings: [Int64: EarlyWarningSettings]) { self.settings = Mutex(settings) }

    func settings(for patientID: Int64) -> EarlyWarningSettings {
        settings.withLock { $0[patientID] } ?? Patient.defaultEarlyWarningSettings
    }

    /// Sets a patient's settings; returns the previous ones.
    func set(_ new: EarlyWarningSettings, for patientID: Int64) -> EarlyWarningSettings {
        settings.withLock { $0.updateValue(new, forKey: patientID) } ?? Patient.defaultEarlyWarningSettings
    }
}

extension Patient {
    /// A patient's NEWS2 settings before their record says otherwise: scale 1, on air, consciousness unknown.
    public static let defaultEarlyWarningSettings = EarlyWarningSettings(scale: .scale1, onOxygen: false)
}

/// The escalation policy in the form people edit and the database stores: which priorities latch, how long an
/// unacknowledged alert waits before notifying the next tier, how many tiers there are, and the longest snoozes.
public struct AlertPolicyDocument: Codable, Sendable, Hashable {
    public var latchingPriorities: [AlarmPriority]
    /// Seconds per priority ("high", "medium", "low"); a priority left out never escalates.
    public var escalationDelaySeconds: [String: Int]
    public var highestTier: Int
    public var longestSnoozeSeconds: [String: Int]

    public init(_ policy: AlertPolicy) {
        latchingPriorities = policy.latchingPriorities.sorted(by: >)
        escalationDelaySeconds = Dictionary(uniqueKeysWithValues: policy.escalationDelay.map { ($0.key.description, Int($0.value.components.seconds)) })
        highestTier = policy.highestTier
        longestSnoozeSeconds = Dictionary(uniqueKeysWithValues: policy.longestSnooze.map { ($0.key.description, Int($0.value.components.seconds)) })
    }

    /// The policy, or the first problem found, naming its field. High-priority alerts must latch and escalate
    /// within an hour: a setting that lets a life-threatening alert go quiet on its own is refused.
    public func validated() throws(AlertPolicyError) -> AlertPolicy {
        func priorities(_ seconds: [String: Int], field: String, range: ClosedRange<Int>) throws(AlertPolicyError) -> [AlarmPriority: Duration] {
            var result: [AlarmPriority: Duration] = [:]
            for (key, value) in seconds.sorted(by: { $0.key < $1.key }) {
                guard let priority = AlarmPriority.allCases.first(where: { $0.description == key }) else {
                    throw AlertPolicyError(field: "\(field).\(key)", message: "\(key) is not a priority (low, medium, high)")
                }
                guard range.contains(value) else {
                    throw AlertPolicyError(field: "\(field).\(key)", message: "must be from \(range.lowerBound) to \(range.upperBound) seconds")
                }
                result[priority] = .seconds(value)
            }
            return result
        }
        let escalation = try priorities(escalationDelaySeconds, field: "escalationDelaySeconds", range: 30...86_400)
        guard let high = escalation[.high], high <= .seconds(3600) else {
            throw AlertPolicyError(field: "escalationDelaySeconds.high", message: "high-priority alerts must escalate within 3600 seconds")
        }
        guard latchingPriorities.contains(.high) else {
            throw AlertPolicyError(field: "latchingPriorities", message: "high-priority alerts must latch")
        }
        guard (0...5).contains(highestTier) else { throw AlertPolicyError(field: "highestTier", message: "must be from 0 to 5") }
        let snooze = try priorities(longestSnoozeSeconds, field: "longestSnoozeSeconds", range: 60...86_400)
        guard let highSnooze = snooze[.high], highSnooze <= .seconds(3600) else {
            throw AlertPolicyError(field: "longestSnoozeSeconds.high", message: "high-priority alerts may be snoozed for at most 3600 seconds, and a limit is required")
        }
        return AlertPolicy(latchingPriorities: Set(latchingPriorities), escalationDelay: escalation, highestTier: highestTier, longestSnooze: snooze)
    }
}

/// An escalation policy setting that is not allowed, with its field.
public struct AlertPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var message: String
    public var description: String { "\(field): \(message)" }
}

extension AppDatabase {
    /// The stored escalation policy; nil: the standard one.
    public func alertPolicy() async throws -> AlertPolicyDocument? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM hubSetting WHERE key = 'alertPolicy'")
                .map { try JSONDecoder().decode(AlertPolicyDocument.self, from: Data($0.utf8)) }
        }
    }

    func setAlertPolicy(_ document: AlertPolicyDocument) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO hubSetting (key, value) VALUES ('alertPolicy', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [Self.json(document)])
        }
    }
}
