#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The lifecycle of one patient's alerts for one cause: raised (unacknowledged) → acknowledged → resolved.
///
/// A value type with no clock, broker or database: each event is a `mutating func` that returns the ``Action``
/// the caller performs (store, notify, escalate). At most one alert per cause is open; the condition re-triggering
/// updates it rather than opening a second one. High-priority alerts latch (by ``AlertPolicy``). A snooze holds
/// back re-notification and escalation until it expires, but never hides a higher-priority condition, and an alert
/// raised after the snoozed one closed starts unsnoozed.
public struct AlertStateMachine: Sendable, Hashable {
    /// What the caller must do after an event.
    public enum Action: Sendable, Hashable {
        /// Nothing changed.
        case none
        /// A new alert: store it and notify tier 0.
        case raise(Alert)
        /// The alert changed: store it and add the event to its history. Nobody needs to be notified.
        case update(Alert, AlertEvent)
        /// The alert changed and needs attention again: store it, add the event, notify tiers 0 through `tier`.
        case notify(Alert, AlertEvent, tier: Int)
        /// The alert was resolved: store it and add the event. The machine holds no open alert afterwards.
        case close(Alert, AlertEvent)
    }

    /// The cause whose alerts this machine runs.
    public let cause: AlertCause
    /// Latching, escalation and snooze limits; a change applies to later events, not to a scheduled escalation.
    public var policy: AlertPolicy
    /// The open alert, if any.
    public private(set) var alert: Alert?

    /// A machine for `cause`; pass the alert that is still open (restored from storage) when there is one.
    public init(cause: AlertCause, policy: AlertPolicy = .standard, openAlert: Alert? = nil) {
        self.cause = cause
        self.policy = policy
        self.alert = openAlert?.isOpen == true ? openAlert : nil
    }

    /// The next time ``tick(now:)`` has something to do (an escalation or a snooze expiring), if any.
    public var nextDeadline: Date? {
        guard let alert else { return nil }
        if let snoozedUntil = alert.snoozedUntil { return snoozedUntil }
        return alert.status == .unacknowledged ? alert.nextEscalationAt : nil
    }

    // MARK: Events from the data

    /// The condition's status changed (from a ``RuleTracker``, a technical monitor, or the early-warning score).
    public mutating func conditionChanged(to status: ConditionStatus, evidence: AlertEvidence?, at now: Date) -> Action {
        switch status {
        case .present(let priority):
            return conditionPresent(priority: priority, evidence: evidence, at: now, isEvent: false)
        case .absent:
            guard var alert, alert.condition != .absent else { return .none }
            alert.condition = .absent
            if alert.isLatching {
                self.alert = alert
                return .update(alert, .conditionCleared)
            }
            alert.status = .resolved
            alert.resolvedAt = now
            alert.resolution = .conditionCleared
            alert.snoozedUntil = nil
            alert.nextEscalationAt = nil
            self.alert = nil
            return .close(alert, .resolved(.conditionCleared))
        case .indeterminate:
            guard var alert, alert.condition != .indeterminate else { return .none }
            alert.condition = .indeterminate
            self.alert = alert
            return .update(alert, .conditionIndeterminate)
        }
    }

    /// Something happened once (a fall): it raises an alert that latches whatever its priority, since an event
    /// has no "condition cleared" that could close it on its own. A repeat while open notifies again.
    public mutating func occurred(priority: AlarmPriority, evidence: AlertEvidence, at now: Date) -> Action {
        conditionPresent(priority: priority, evidence: evidence, at: now, isEvent: true)
    }

    private mutating func conditionPresent(priority: AlarmPriority, evidence: AlertEvidence?, at now: Date, isEvent: Bool) -> Action {
        guard var alert else {
            // A condition without evidence happens only when a tracker took over an alert from before; say so.
            let evidence = evidence ?? AlertEvidence(summary: "\(cause)", priority: priority, since: now)
            let raised = Alert(
                cause: cause, priority: priority, status: .unacknowledged, condition: isEvent ? .absent : .present,
                isLatching: isEvent || policy.latchingPriorities.contains(priority), raisedAt: now,
                escalationTier: 0, nextEscalationAt: escalationTime(for: priority, after: now), evidence: evidence)
            self.alert = raised
            return .raise(raised)
        }
        let returned = alert.condition == .absent && !isEvent
        alert.condition = isEvent ? .absent : .present
        // Evidence of a lower band never replaces the evidence that raised the alert to its priority.
        if let evidence, evidence.priority >= alert.priority { alert.evidence = evidence }
        if priority > alert.priority || isEvent || returned {
            // Worse, again (an event), or back after clearing: a new condition for people to see, which no earlier
            // acknowledgement or snooze covers.
            let previous = alert.priority
            alert.priority = max(priority, alert.priority)
            alert.isLatching = alert.isLatching || policy.latchingPriorities.contains(alert.priority)
            alert.status = .unacknowledged
            alert.acknowledgedAt = nil
            alert.acknowledgedBy = nil
            alert.snoozedUntil = nil
            alert.nextEscalationAt = escalationTime(for: alert.priority, after: now)
            self.alert = alert
            let event: AlertEvent =
                if isEvent { .reoccurred } else if priority > previous { .priorityRaised(from: previous, to: alert.priority) } else { .conditionReturned(priority) }
            return .notify(alert, event, tier: alert.escalationTier)
        }
        self.alert = alert
        return .update(alert, .conditionPresent(priority))
    }

    // MARK: Events from people

    /// A person takes the alert on: escalation stops.
    public mutating func acknowledge(by person: String, at now: Date) throws(AlertTransitionError) -> Action {
        guard var alert else { throw .noOpenAlert }
        guard alert.status == .unacknowledged else { throw .alreadyAcknowledged }
        alert.status = .acknowledged
        alert.acknowledgedAt = now
        alert.acknowledgedBy = person
        alert.nextEscalationAt = nil
        self.alert = alert
        return .update(alert, .acknowledged(by: person))
    }

    /// A person closes the alert. Refused while the condition is still present: snooze or acknowledge it instead,
    /// so that resolving never hides an ongoing condition.
    public mutating func resolve(by person: String, note: String?, at now: Date) throws(AlertTransitionError) -> Action {
        guard var alert else { throw .noOpenAlert }
        guard alert.condition != .present else { throw .conditionStillPresent }
        let note = note.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        alert.status = .resolved
        alert.resolvedAt = now
        alert.resolution = .byPerson(person, note: note)
        alert.snoozedUntil = nil
        alert.nextEscalationAt = nil
        self.alert = nil
        return .close(alert, .resolved(.byPerson(person, note: note)))
    }

    /// A person silences the alert until `until`: no re-notification or escalation until then.
    public mutating func snooze(by person: String, until: Date, at now: Date) throws(AlertTransitionError) -> Action {
        guard var alert else { throw .noOpenAlert }
        guard until > now else { throw .snoozeNotInFuture }
        if let longest = policy.longestSnooze[alert.priority], until.duration(since: now) > longest {
            throw .snoozeTooLong(longest: longest)
        }
        alert.snoozedUntil = until
        self.alert = alert
        return .update(alert, .snoozed(by: person, until: until))
    }

    // MARK: Time

    /// Time passed: a snooze may expire, an unacknowledged alert may escalate.
    ///
    /// Call at ``nextDeadline`` (calling more often is harmless). A snooze that expires re-notifies an alert that is
    /// unacknowledged or whose condition still holds, and restarts its escalation clock.
    public mutating func tick(now: Date) -> Action {
        guard var alert else { return .none }
        if let snoozedUntil = alert.snoozedUntil {
            guard now >= snoozedUntil else { return .none }
            alert.snoozedUntil = nil
            let needsAttention = alert.status == .unacknowledged || alert.condition == .present
            if alert.status == .unacknowledged {
                alert.nextEscalationAt = escalationTime(for: alert.priority, after: now)
            }
            self.alert = alert
            return needsAttention ? .notify(alert, .snoozeExpired, tier: alert.escalationTier) : .update(alert, .snoozeExpired)
        }
        guard alert.status == .unacknowledged, let due = alert.nextEscalationAt, now >= due else { return .none }
        alert.escalationTier = min(alert.escalationTier + 1, policy.highestTier)
        alert.nextEscalationAt = escalationTime(for: alert.priority, after: now)
        self.alert = alert
        return .notify(alert, .escalated(tier: alert.escalationTier), tier: alert.escalationTier)
    }

    private func escalationTime(for priority: AlarmPriority, after now: Date) -> Date? {
        policy.escalationDelay[priority].map { now.adding($0) }
    }
}

extension AlertStateMachine.Action {
    /// The alert the action carries (`nil` for `.none`).
    public var alert: Alert? {
        switch self {
        case .none: nil
        case .raise(let alert), .update(let alert, _), .notify(let alert, _, _), .close(let alert, _): alert
        }
    }
}

/// One entry of an alert's lifecycle history.
public enum AlertEvent: Sendable, Hashable, Codable {
    /// The condition reached a higher priority: the alert is unacknowledged again and notifies anew.
    case priorityRaised(from: AlarmPriority, to: AlarmPriority)
    /// The condition holds at this band (a lower band, data back after a gap, or a new worst value) while the
    /// alert was already open.
    case conditionPresent(AlarmPriority)
    /// The condition came back after it had cleared on this latching alert: announced again.
    case conditionReturned(AlarmPriority)
    /// An event (a fall) happened again while its alert was open.
    case reoccurred
    /// The condition cleared on a latching alert, which stays open for a person to resolve.
    case conditionCleared
    /// No recent data tells whether the condition holds; the alert stays open.
    case conditionIndeterminate
    /// A person took the alert on: escalation stopped.
    case acknowledged(by: String)
    /// A person snoozed the alert: no re-notification or escalation until `until`.
    case snoozed(by: String, until: Date)
    /// A snooze ended; the alert notified again if unacknowledged or its condition still held.
    case snoozeExpired
    /// Nobody acknowledged in time: the alert now notifies tiers 0 through `tier`.
    case escalated(tier: Int)
    /// The alert was closed, by a person or by its condition clearing.
    case resolved(Alert.Resolution)
}

/// A person asked for a transition the alert's state does not allow (the HTTP edge answers 409).
public enum AlertTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// There is no open alert for this cause.
    case noOpenAlert
    /// The alert is already acknowledged.
    case alreadyAcknowledged
    /// Resolving would hide a condition that still holds.
    case conditionStillPresent
    /// The snooze would not end after now.
    case snoozeNotInFuture
    /// The snooze is longer than the policy allows for the alert's priority; `longest` is the limit.
    case snoozeTooLong(longest: Duration)

    public var description: String {
        switch self {
        case .noOpenAlert: "there is no open alert"
        case .alreadyAcknowledged: "the alert is already acknowledged"
        case .conditionStillPresent: "the condition still holds; acknowledge or snooze the alert instead of resolving it"
        case .snoozeNotInFuture: "a snooze must end in the future"
        case .snoozeTooLong(let longest): "a snooze of this priority may last at most \(ThresholdRule.format(longest))"
        }
    }
}
