import Synchronization
import Vitals

/// Each patient's rule set (the defaults with the patient's overrides), held in memory: the alert book asks for it
/// inside a database transaction, where reading the database again is not possible.
public final class RuleSetProvider: Sendable {
    private let defaults: RuleSet
    private let perPatient = Mutex<[Int64: RuleSet]>([:])

    /// A provider handing out `defaults` to patients without overrides.
    public init(defaults: RuleSet = .adultHomeDefaults) {
        self.defaults = defaults
    }

    /// The rules for `patientID`.
    public func rules(for patientID: Int64) -> RuleSet {
        perPatient.withLock { $0[patientID] } ?? defaults
    }

    /// Sets a patient's overrides (validated against the defaults); throws, naming the field, when they are invalid.
    public func setOverrides(_ overrides: [RuleOverride], for patientID: Int64) throws(RuleValidationError) {
        let rules = try defaults.applying(overrides)
        perPatient.withLock { $0[patientID] = rules }
    }
}
