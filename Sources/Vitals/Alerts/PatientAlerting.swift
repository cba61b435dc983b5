#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One patient's physiological alerting: the rules in force, a tracker per rule, the NEWS2 tracker, and an alert state
/// machine per cause. Readings and time go in; the actions to perform come out, in order.
///
/// NEWS2 raises one alert of cause ``AlertCause/earlyWarningScore`` while the risk is at least low–medium, with the
/// priority of its risk band (``EarlyWarningTracker`` says when).
///
/// Pure and in memory; the hub keeps one per patient and persists what the actions say.
public struct PatientAlerting: Sendable {
    /// The rules in force; change them with ``replaceRules(_:)`` so the trackers follow.
    public private(set) var rules: RuleSet
    /// The policy for alert state machines created from now on; existing machines keep the policy they were given.
    public var policy: AlertPolicy
    private var trackers: [String: RuleTracker]
    /// The NEWS2 tracker, with its settings and the latest readings it scores; change the settings with
    /// ``replaceEarlyWarningSettings(_:at:)``.
    public private(set) var earlyWarning: EarlyWarningTracker
    /// One alert state machine per cause that has had an alert; a machine stays after its alert closes.
    public private(set) var machines: [AlertCause: AlertStateMachine] = [:]

    /// Alerting under `rules` and the patient's NEWS2 `earlyWarningSettings`; `openAlerts` are alerts still open from
    /// before (restored from storage), a NEWS2 one included: its tracker takes it over so that it can clear.
    public init(
        rules: RuleSet, policy: AlertPolicy = .standard, openAlerts: [Alert] = [],
        earlyWarningSettings: EarlyWarningSettings = EarlyWarningSettings()
    ) {
        self.rules = rules
        self.policy = policy
        trackers = [:]
        for alert in openAlerts where alert.isOpen {
            machines[alert.cause] = AlertStateMachine(cause: alert.cause, policy: policy, openAlert: alert)
        }
        for rule in rules.rules {
            trackers[rule.id] = RuleTracker(rule: rule, resuming: machines[.rule(id: rule.id)]?.alert)
        }
        earlyWarning = EarlyWarningTracker(settings: earlyWarningSettings, resuming: machines[.earlyWarningScore]?.alert)
    }

    /// The patient's NEWS2 settings in force.
    public var earlyWarningSettings: EarlyWarningSettings { earlyWarning.settings }

    /// Evaluates a reading against every rule for its vital, then NEWS2. Artifacts are skipped by the trackers.
    public mutating func ingest(_ reading: Reading) -> [AlertStateMachine.Action] {
        var actions: [AlertStateMachine.Action] = []
        for rule in rules.rules where rule.vital == reading.kind {
            guard let change = trackers[rule.id]?.observe(reading) else { continue }
            actions.append(apply(change))
        }
        if let change = earlyWarning.observe(reading) { actions.append(apply(change)) }
        return actions.filter { $0 != .none }
    }

    /// Marks rules whose vital has had no reading for `staleAfter` as indeterminate, lets NEWS2 readings go stale and
    /// its alert clear (by the tracker's own freshness and clearing times, not `staleAfter`), and lets snoozes
    /// expire and unacknowledged alerts escalate.
    ///
    /// `judgingStaleness` false skips the data's age (rules and NEWS2) and only lets the alerts' own timers run: for a
    /// patient whose readings are arriving but measured a while ago (a gateway catching up after an outage), "no
    /// recent data" is not true, and judging it against the wall clock would turn alerts indeterminate between
    /// every two replayed readings.
    public mutating func tick(now: Date, staleAfter: Duration, judgingStaleness: Bool = true) -> [AlertStateMachine.Action] {
        var actions: [AlertStateMachine.Action] = []
        if judgingStaleness {
            for id in trackers.keys.sorted() {
                if let change = trackers[id]?.checkStaleness(now: now, staleAfter: staleAfter) {
                    actions.append(apply(change))
                }
            }
            if let change = earlyWarning.tick(now: now) { actions.append(apply(change)) }
        }
        for cause in machines.keys.sorted(by: { $0.description < $1.description }) {
            actions.append(machines[cause]?.tick(now: now) ?? .none)
        }
        return actions.filter { $0 != .none }
    }

    /// Replaces the rules (a patient's overrides changed). Trackers of unchanged rules keep their state; a changed
    /// rule's tracker takes over its open alert, which then clears by the new rule's limits. The open alert of a
    /// removed or disabled rule can no longer clear by itself: its condition becomes indeterminate, so a person can
    /// resolve it. Returns the actions for those alerts.
    public mutating func replaceRules(_ newRules: RuleSet, at now: Date) -> [AlertStateMachine.Action] {
        var newTrackers: [String: RuleTracker] = [:]
        for rule in newRules.rules {
            if let existing = trackers[rule.id], existing.rule == rule {
                newTrackers[rule.id] = existing
            } else {
                newTrackers[rule.id] = RuleTracker(rule: rule, resuming: machines[.rule(id: rule.id)]?.alert)
            }
        }
        trackers = newTrackers
        rules = newRules
        var actions: [AlertStateMachine.Action] = []
        for cause in machines.keys.sorted(by: { $0.description < $1.description }) {
            guard case .rule(let id) = cause, newRules[id]?.isEnabled != true else { continue }
            actions.append(machines[cause]?.conditionChanged(to: .indeterminate, evidence: nil, at: now) ?? .none)
        }
        return actions.filter { $0 != .none }
    }

    /// Replaces the patient's NEWS2 settings (a person recorded oxygen, consciousness or the SpO2 scale) and scores
    /// again at `now`; returns the actions for the NEWS2 alert.
    public mutating func replaceEarlyWarningSettings(_ settings: EarlyWarningSettings, at now: Date) -> [AlertStateMachine.Action] {
        guard let change = earlyWarning.replaceSettings(settings, at: now) else { return [] }
        return [apply(change)].filter { $0 != .none }
    }

    /// The earliest time ``tick(now:staleAfter:)`` has something to perform: an escalation, a snooze expiry, or,
    /// while a NEWS2 alert is held, a reading going stale or its clearing time ending.
    public var nextDeadline: Date? {
        (machines.values.compactMap(\.nextDeadline) + [earlyWarning.nextDeadline].compactMap { $0 }).min()
    }

    /// The open alerts.
    public var openAlerts: [Alert] {
        machines.values.compactMap(\.alert).sorted { $0.raisedAt < $1.raisedAt }
    }

    /// Runs a person's action on the alert of `cause`.
    public mutating func perform(
        on cause: AlertCause, _ body: (inout AlertStateMachine) throws(AlertTransitionError) -> AlertStateMachine.Action
    ) throws(AlertTransitionError) -> AlertStateMachine.Action {
        guard var machine = machines[cause] else { throw .noOpenAlert }
        let action = try body(&machine)
        machines[cause] = machine
        return action
    }

    private mutating func apply(_ change: ConditionChange) -> AlertStateMachine.Action {
        apply(change.status, evidence: change.evidence, at: change.at, to: .rule(id: change.ruleID))
    }

    private mutating func apply(_ change: EarlyWarningTracker.Change) -> AlertStateMachine.Action {
        apply(change.status, evidence: change.evidence, at: change.at, to: .earlyWarningScore)
    }

    private mutating func apply(
        _ status: ConditionStatus, evidence: AlertEvidence?, at time: Date, to cause: AlertCause
    ) -> AlertStateMachine.Action {
        var machine = machines[cause] ?? AlertStateMachine(cause: cause, policy: policy)
        // A machine whose alert closed raises its next one under the policy in force now.
        if machine.alert == nil { machine.policy = policy }
        let action = machine.conditionChanged(to: status, evidence: evidence, at: time)
        machines[cause] = machine
        return action
    }
}
