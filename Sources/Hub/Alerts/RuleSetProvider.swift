import Synchronization
import Vitals

/// Each patient's rule set (the defaults with the patient's overrides), held in memory: the alert book asks for it
/// inside a database transaction, where reading the database again is not possible.
public final class RuleSetProvider: Sendable {
    /// The rules of a patient without overrides.
    public let defaults: RuleSet
    private let perPatient = Mutex<[Int64: (overrides: [RuleOverride], rules: RuleSet)]>([:])

    /// A provider handing out `defaults` to patients without overrides.
    public init(defaults: RuleSet = .adultHomeDefaults) {
        self.defaults = defaults
    }

    /// The rules for `patientID`.
    public func rules(for patientID: Int64) -> RuleSet {
        perPatient.withLock { $0[patientID]?.rules } ?? defaults
    }

    /// The overrides in force for `patientID` (empty: the defaults).
    public func overrides(for patientID: Int64) -> [RuleOverride] {
        perPatient.withLock { $0[patientID]?.overrides } ?? []
    }

    /// The rule set `overrides` would make, or the problems with them, each naming its field.
    public func validate(_ overrides: [RuleOverride]) throws(RuleValidationError) -> RuleSet {
        try defaults.applying(overrides)
    }

    /// Sets a patient's overrides (validated against the defaults); throws, naming the field, when they are invalid.
    public func setOverrides(_ overrides: [RuleOverride], for patientID: Int64) throws(RuleValidationError) {
        let rules = try defaults.applying(overrides)
        perPatient.withLock { $0[patientID] = overrides.isEmpty ? nil : (overrides, rules) }
    }
}
