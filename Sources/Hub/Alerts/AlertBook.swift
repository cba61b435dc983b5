import Foundation
import Synchronization
import Vitals

/// Every patient's physiological alerting state, held in memory by the hub and evaluated inside the database
/// transaction that stores the readings.
///
/// Evaluation works on copies (``PatientAlerting`` is a value type) and returns the new states with the actions;
/// the caller adopts them only after the transaction committed. A failed commit therefore leaves the alerting
/// state as it was, and the redelivered readings are evaluated again.
public final class AlertBook: Sendable {
    /// The actions one evaluation produced, and the states to adopt when its transaction commits.
    public struct Evaluation: Sendable {
        /// Per patient, the actions to store, in order.
        public var actions: [(patientID: Int64, action: AlertStateMachine.Action)] = []
        var states: [Int64: PatientAlerting] = [:]
    }

    private let states: Mutex<[Int64: PatientAlerting]>
    /// When readings of each patient last arrived (wall clock), to tell a gateway catching up from silence.
    private let arrivals = Mutex<[Int64: Date]>([:])
    /// A patient whose readings arrived this recently is not judged for stale data on a tick.
    public static let arrivalGrace: Duration = .seconds(5)
    private let rules: @Sendable (Int64) -> RuleSet
    private let earlyWarningSettings: @Sendable (Int64) -> EarlyWarningSettings
    private let policy: Mutex<AlertPolicy>

    /// A book whose patients follow `rules(patientID)` (defaults plus overrides), their NEWS2 settings and `policy`.
    public init(policy: AlertPolicy = .standard, earlyWarningSettings: @escaping @Sendable (Int64) -> EarlyWarningSettings = { _ in EarlyWarningSettings() },
                rules: @escaping @Sendable (Int64) -> RuleSet) {
        self.policy = Mutex(policy)
        self.rules = rules
        self.earlyWarningSettings = earlyWarningSettings
        states = Mutex([:])
    }

    /// Restores a patient's open alerts (at start-up, from the database).
    public func restore(patientID: Int64, openAlerts: [Alert]) {
        let alerting = PatientAlerting(rules: rules(patientID), policy: policy.withLock { $0 }, openAlerts: openAlerts,
                                       earlyWarningSettings: earlyWarningSettings(patientID))
        states.withLock { $0[patientID] = alerting }
    }

    /// The policy alerts raised from now on follow; alerts already open keep theirs.
    public var currentPolicy: AlertPolicy { policy.withLock { $0 } }

    /// Changes the policy for alerts raised from now on, for every patient.
    public func setPolicy(_ newPolicy: AlertPolicy) {
        policy.withLock { $0 = newPolicy }
        states.withLock { states in
            for id in states.keys { states[id]?.policy = newPolicy }
        }
    }

    /// A person's action on the patient's open alert of `cause`, evaluated on a copy: adopt the result once its
    /// action is stored. Throws when the alert's state does not allow the action.
    public func perform(
        patientID: Int64, cause: AlertCause, _ body: (inout AlertStateMachine) throws(AlertTransitionError) -> AlertStateMachine.Action
    ) throws(AlertTransitionError) -> Evaluation {
        var alerting = current(patientID)
        let action = try alerting.perform(on: cause, body)
        var evaluation = Evaluation()
        evaluation.actions = action == .none ? [] : [(patientID, action)]
        evaluation.states[patientID] = alerting
        return evaluation
    }

    /// The patient's rules or NEWS2 settings changed (read again from the providers): evaluated on a copy, to adopt
    /// once the actions (alerts of removed rules becoming indeterminate, NEWS2 scored again) are stored.
    public func settingsChanged(patientID: Int64, at now: Date) -> Evaluation {
        var alerting = current(patientID)
        var evaluation = Evaluation()
        let actions = alerting.replaceRules(rules(patientID), at: now) + alerting.replaceEarlyWarningSettings(earlyWarningSettings(patientID), at: now)
        evaluation.actions = actions.map { (patientID, $0) }
        evaluation.states[patientID] = alerting
        return evaluation
    }

    /// Evaluates newly stored readings in the order they were measured; readings of unassigned devices raise no
    /// physiological alert.
    ///
    /// One commit holds batches from several devices, each in its own time order: NEWS2 combines vitals from
    /// different devices, so they are evaluated in measurement order (ties in the order received), not batch by batch.
    ///
    /// `arrivedAt` is when the hub received them (wall clock): a tick does not judge a patient's data stale while
    /// readings keep arriving, however long ago they were measured.
    public func evaluate(_ stored: [StoredReading], arrivedAt: Date? = nil) -> Evaluation {
        var evaluation = Evaluation()
        if let arrivedAt {
            let patients = Set(stored.compactMap(\.patientID))
            arrivals.withLock { arrivals in
                for patient in patients { arrivals[patient] = max(arrivals[patient] ?? arrivedAt, arrivedAt) }
            }
        }
        // Only readings of assigned devices are evaluated, so only those are ordered.
        let ordered = stored.enumerated().filter { $0.element.patientID != nil }.sorted { lhs, rhs in
            lhs.element.reading.measuredAt != rhs.element.reading.measuredAt
                ? lhs.element.reading.measuredAt < rhs.element.reading.measuredAt : lhs.offset < rhs.offset
        }
        for (_, item) in ordered {
            guard let patientID = item.patientID else { continue }
            // Mutated in place: copying a patient's state out and back would copy all its trackers per reading.
            let actions = evaluation.states[patientID, default: current(patientID)].ingest(item.reading)
            evaluation.actions += actions.map { (patientID, $0) }
        }
        return evaluation
    }

    /// Lets time pass for every patient (escalations, snooze expiry, stale data).
    public func tick(now: Date, staleAfter: Duration) -> Evaluation {
        var evaluation = Evaluation()
        let snapshot = states.withLock { $0 }
        let arrivals = arrivals.withLock { $0 }
        for (patientID, state) in snapshot.sorted(by: { $0.key < $1.key }) {
            var alerting = state
            let arriving = arrivals[patientID].map { now.duration(since: $0) < Self.arrivalGrace } ?? false
            let actions = alerting.tick(now: now, staleAfter: staleAfter, judgingStaleness: !arriving)
            guard !actions.isEmpty else { continue }
            evaluation.actions += actions.map { (patientID, $0) }
            evaluation.states[patientID] = alerting
        }
        return evaluation
    }

    /// Adopts the states of an evaluation whose actions were committed.
    public func adopt(_ evaluation: Evaluation) {
        guard !evaluation.states.isEmpty else { return }
        states.withLock { current in
            for (patientID, state) in evaluation.states { current[patientID] = state }
        }
    }

    /// The earliest time a tick has work to do for any patient.
    public var nextDeadline: Date? {
        states.withLock { $0.values.compactMap(\.nextDeadline).min() }
    }

    private func current(_ patientID: Int64) -> PatientAlerting {
        states.withLock { $0[patientID] }
            ?? PatientAlerting(rules: rules(patientID), policy: policy.withLock { $0 }, earlyWarningSettings: earlyWarningSettings(patientID))
    }
}
