import Foundation
import Hub
import Hummingbird
import Vitals

extension DTO {
    /// What an alert is about, as a tagged object: `{"type": "rule", "ruleId": "spo2-low"}`, `{"type": "news2"}`,
    /// `{"type": "fall", "deviceId": …}`, `{"type": "technical", "condition": "offline", "deviceId": …}`.
    struct AlertCause: Encodable, Sendable {
        var type: String
        var ruleId: String?
        var condition: String?
        var deviceId: String?

        init(_ cause: Vitals.AlertCause) {
            switch cause {
            case .rule(let id): type = "rule"; ruleId = id
            case .earlyWarningScore: type = "news2"
            case .fall(let device): type = "fall"; deviceId = device
            case .technical(let condition, let device): type = "technical"; self.condition = condition.rawValue; deviceId = device
            }
        }
    }

    struct Reading: Encodable, Sendable {
        var kind: String
        var value: Double
        /// UCUM, e.g. `/min`, `Cel`, `mm[Hg]`.
        var unit: String
        /// What a person reads, e.g. `bpm`, `°C`, `mmHg`.
        var unitSymbol: String
        var measuredAt: Date
        var deviceId: String?
        var sequence: UInt64?
        /// The device's own quality flags, by name (empty: none).
        var flags: [String]

        init(_ reading: Vitals.Reading) {
            kind = reading.kind.rawValue
            value = reading.value
            unit = reading.kind.unit.ucum
            unitSymbol = reading.kind.unit.symbol
            measuredAt = reading.measuredAt
            deviceId = reading.source?.deviceID
            sequence = reading.source?.sequence
            flags = reading.deviceFlags.names
        }
    }

    struct Evidence: Encodable, Sendable {
        var ruleId: String?
        var summary: String
        var priority: AlarmPriority
        var vital: String?
        var unit: String?
        var limit: Double?
        var since: Date
        var readings: [Reading]
        var readingCount: Int
        var worstValue: Double?
        var details: [String: String]

        init(_ evidence: AlertEvidence) {
            ruleId = evidence.ruleID
            summary = evidence.summary
            priority = evidence.priority
            vital = evidence.vital?.rawValue
            unit = evidence.vital?.unit.ucum
            limit = evidence.limit
            since = evidence.since
            readings = evidence.readings.map(Reading.init)
            readingCount = evidence.readingCount
            worstValue = evidence.worstValue
            details = evidence.details
        }
    }

    struct Resolution: Encodable, Sendable {
        /// "condition-cleared" or "person".
        var type: String
        var by: String?
        var note: String?
    }

    struct Assignee: Encodable, Sendable {
        var id: Int64
        var displayName: String
    }

    struct Alert: ResponseEncodable, Sendable {
        var id: Int64
        var patientId: Int64?
        var category: AlertCategory
        var cause: AlertCause
        var priority: AlarmPriority
        var status: Vitals.Alert.Status
        var condition: Vitals.Alert.Condition
        var latching: Bool
        var summary: String
        var raisedAt: Date
        var updatedAt: Date
        var acknowledgedAt: Date?
        var acknowledgedBy: String?
        var resolvedAt: Date?
        var resolution: Resolution?
        var snoozedUntil: Date?
        var escalationTier: Int
        var nextEscalationAt: Date?
        var assignee: Assignee?

        init(_ record: AlertRecord) {
            let alert = record.alert
            id = record.id
            patientId = record.patientID
            category = alert.cause.category
            cause = AlertCause(alert.cause)
            priority = alert.priority
            status = alert.status
            condition = alert.condition
            latching = alert.isLatching
            summary = alert.evidence.summary
            raisedAt = alert.raisedAt
            updatedAt = record.updatedAt
            acknowledgedAt = alert.acknowledgedAt
            acknowledgedBy = alert.acknowledgedBy
            resolvedAt = alert.resolvedAt
            resolution = alert.resolution.map {
                switch $0 {
                case .conditionCleared: Resolution(type: "condition-cleared")
                case .byPerson(let person, let note): Resolution(type: "person", by: person, note: note)
                }
            }
            snoozedUntil = alert.snoozedUntil
            escalationTier = alert.escalationTier
            nextEscalationAt = alert.nextEscalationAt
            assignee = record.assigneeID.map { Assignee(id: $0, displayName: record.assigneeName ?? "") }
        }
    }

    struct AlertHistoryEntry: Encodable, Sendable {
        var id: Int64
        var at: Date
        var actorId: Int64?
        /// The event as an object with one key naming it: `{"acknowledged": {"by": "…"}}`, `{"raised": {…}}`.
        var event: JSONValue
    }

    struct AlertDetail: ResponseEncodable, Sendable {
        var alert: Alert
        var evidence: Evidence
        var history: [AlertHistoryEntry]
    }

    struct ResolveAlert: Decodable {
        var note: String?

        enum CodingKeys: String, CodingKey { case note }

        init(from decoder: any Decoder) throws {
            note = try decoder.container(keyedBy: CodingKeys.self).decodeUnlessAbsent(String.self, forKey: .note)
        }
    }

    struct SnoozeAlert: Decodable {
        var until: Date
    }

    struct AssignAlert: Decodable {
        /// The account to assign the alert to; null unassigns it.
        var accountId: Int64?

        enum CodingKeys: String, CodingKey { case accountId }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            accountId = try container.decodeRequiredNullable(Int64.self, forKey: .accountId)
        }
    }

    /// A patient's threshold rules: the overrides stored for them and the rules in force (defaults with the
    /// overrides applied), both in the rules file's JSON form.
    struct PatientRules: ResponseEncodable, Sendable {
        var patientId: Int64
        var overrides: JSONValue
        var rules: JSONValue
    }
}

extension DeviceQualityFlags {
    private static let named: [(DeviceQualityFlags, String)] = [
        (.questionable, "questionable"), (.invalid, "invalid"), (.sensorDisplaced, "sensor-displaced"),
        (.sensorDisconnected, "sensor-disconnected"), (.lowPerfusion, "low-perfusion"), (.equipmentMalfunction, "equipment-malfunction"),
        (.poorSignal, "poor-signal"),
    ]

    /// The flags' names, for people.
    var names: [String] {
        Self.named.filter { contains($0.0) }.map(\.1)
    }
}
