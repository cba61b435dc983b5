#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an alert is about; at most one alert per patient and cause is open at a time.
public enum AlertCause: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A physiological threshold rule.
    case rule(id: String)
    /// The NEWS2 aggregate score reached a risk band that calls for a response.
    case earlyWarningScore
    /// A fall detected from a body-worn accelerometer.
    case fall(deviceID: String)
    /// A technical problem with a device: the data cannot be trusted or is not arriving.
    case technical(TechnicalCondition, deviceID: String)

    /// Physiological (about the patient) or technical (about the equipment), as IEC 60601-1-8 separates them.
    public var category: AlertCategory {
        switch self {
        case .rule, .earlyWarningScore, .fall: .physiological
        case .technical: .technical
        }
    }

    public var description: String {
        switch self {
        case .rule(let id): "rule \(id)"
        case .earlyWarningScore: "NEWS2"
        case .fall(let device): "fall (device \(device))"
        case .technical(let condition, let device): "\(condition.rawValue) (device \(device))"
        }
    }
}

/// Whether an alarm concerns the patient or the equipment.
public enum AlertCategory: String, Sendable, Hashable, Codable {
    /// About the patient: a threshold rule, NEWS2 or a fall.
    case physiological
    /// About the equipment: a ``TechnicalCondition`` of a device.
    case technical
}

/// An alert as caregivers see it: its cause, priority, where it is in its lifecycle, and its evidence.
public struct Alert: Sendable, Hashable, Codable {
    /// Where the alert is in its lifecycle.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Raised; nobody has taken it on yet. Escalates when left so.
        case unacknowledged
        /// A person has taken it on.
        case acknowledged
        /// Closed: by a person, or by the condition clearing for a non-latching alert.
        case resolved
    }

    /// Whether the triggering condition still holds, as far as the data tells.
    public enum Condition: String, Sendable, Hashable, Codable {
        /// The condition holds, as last reported.
        case present
        /// The condition has cleared; also the state of an alert raised by an event (a fall), which has no
        /// ongoing condition.
        case absent
        /// No recent data to tell.
        case indeterminate
    }

    /// How the alert was closed.
    public enum Resolution: Sendable, Hashable, Codable {
        /// A non-latching alert whose condition cleared.
        case conditionCleared
        /// A person resolved it, with an optional note.
        case byPerson(String, note: String?)
    }

    /// What the alert is about (a rule, NEWS2, a fall or a device problem).
    public var cause: AlertCause
    /// The highest priority the condition has reached while this alert has been open.
    public var priority: AlarmPriority
    /// Where the alert is in its lifecycle: unacknowledged, acknowledged or resolved.
    public var status: Status
    /// Whether the triggering condition still holds; an open alert that latched or came from a fall can be `.absent`.
    public var condition: Condition
    /// A latching alert stays open after its condition clears, until a person resolves it.
    public var isLatching: Bool
    /// When the alert was raised: the time of the condition change or event that raised it.
    public var raisedAt: Date
    /// When a person last acknowledged the alert; kept when a higher priority makes it unacknowledged again.
    public var acknowledgedAt: Date?
    /// Who last acknowledged the alert; kept when a higher priority makes it unacknowledged again.
    public var acknowledgedBy: String?
    /// When the alert was resolved; `nil` while it is open.
    public var resolvedAt: Date?
    /// How the alert was closed; `nil` while it is open.
    public var resolution: Resolution?
    /// While set and in the future, the alert does not re-notify or escalate.
    public var snoozedUntil: Date?
    /// 0 for the first recipients; each escalation notifies the next tier.
    public var escalationTier: Int
    /// When the alert escalates next if nobody acknowledges it.
    public var nextEscalationAt: Date?
    /// The evidence from the latest report that the condition was present (or the event occurred).
    public var evidence: AlertEvidence

    /// Whether the alert is still open, i.e. not resolved.
    public var isOpen: Bool { status != .resolved }
}
