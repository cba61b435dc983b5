/// The threshold rules in force for a patient: defaults, with the patient's overrides applied on top.
///
/// A rule set is always valid: every way of making one validates it.
public struct RuleSet: Sendable, Hashable {
    /// The rules, in a stable order.
    public private(set) var rules: [ThresholdRule]

    /// Validates `rules` and makes a rule set of them.
    public init(rules: [ThresholdRule]) throws(RuleValidationError) {
        try RuleValidation.validate(rules)
        self.rules = rules
    }

    /// The enabled rules for `vital`.
    public func rules(for vital: VitalKind) -> [ThresholdRule] {
        rules.filter { $0.vital == vital && $0.isEnabled }
    }

    /// The rule with `id`, enabled or not; `nil` when there is none.
    public subscript(id: String) -> ThresholdRule? {
        rules.first { $0.id == id }
    }

    /// This rule set with a patient's overrides applied: each override changes the fields it names in the rule of
    /// the same id, or adds a rule when no rule has that id. The result is validated as a whole.
    public func applying(_ overrides: [RuleOverride]) throws(RuleValidationError) -> RuleSet {
        var rules = self.rules
        var issues: [RuleValidationError.Issue] = []
        for (index, override) in overrides.enumerated() {
            if let position = rules.firstIndex(where: { $0.id == override.id }) {
                override.apply(to: &rules[position])
            } else if let rule = override.newRule(path: "overrides[\(index)]", issues: &issues) {
                rules.append(rule)
            }
        }
        guard issues.isEmpty else { throw RuleValidationError(issues: issues) }
        return try RuleSet(rules: rules)
    }
}

/// A patient's change to one rule: every field left `nil` keeps the default.
public struct RuleOverride: Sendable, Hashable {
    /// The rule to change; an unknown id adds a rule, which then needs `vital`, `direction`, and bands or a rate.
    public var id: String
    /// The vital the rule judges; `nil` keeps the rule's.
    public var vital: VitalKind?
    /// Which side of the limits is dangerous; `nil` keeps the rule's.
    public var direction: ThresholdRule.Direction?
    /// Replaces all of the rule's bands (they are not merged band by band); `nil` keeps them.
    public var bands: [ThresholdRule.Band]?
    /// In the vital's canonical unit; `nil` keeps the rule's.
    public var hysteresis: Double?
    /// How long the value must stay cleared before a band clears; `nil` keeps the rule's.
    public var clearAfter: Duration?
    /// The longest gap between readings that still sustains a condition; `nil` keeps the rule's.
    public var maximumGap: Duration?
    /// `.some(nil)` removes the rate-of-change band; `nil` keeps it.
    public var rateOfChange: ThresholdRule.RateOfChange??
    /// `false` disables the rule for this patient; `nil` keeps the rule's.
    public var isEnabled: Bool?

    /// An override as given; it is validated only when applied with ``RuleSet/applying(_:)``.
    public init(
        id: String, vital: VitalKind? = nil, direction: ThresholdRule.Direction? = nil,
        bands: [ThresholdRule.Band]? = nil, hysteresis: Double? = nil, clearAfter: Duration? = nil,
        maximumGap: Duration? = nil, rateOfChange: ThresholdRule.RateOfChange?? = nil, isEnabled: Bool? = nil
    ) {
        self.id = id
        self.vital = vital
        self.direction = direction
        self.bands = bands
        self.hysteresis = hysteresis
        self.clearAfter = clearAfter
        self.maximumGap = maximumGap
        self.rateOfChange = rateOfChange
        self.isEnabled = isEnabled
    }

    func apply(to rule: inout ThresholdRule) {
        if let vital { rule.vital = vital }
        if let direction { rule.direction = direction }
        if let bands { rule.bands = bands.sorted { $0.priority < $1.priority } }
        if let hysteresis { rule.hysteresis = hysteresis }
        if let clearAfter { rule.clearAfter = clearAfter }
        if let maximumGap { rule.maximumGap = maximumGap }
        if let rateOfChange { rule.rateOfChange = rateOfChange }
        if let isEnabled { rule.isEnabled = isEnabled }
    }

    func newRule(path: String, issues: inout [RuleValidationError.Issue]) -> ThresholdRule? {
        var missing: [String] = []
        if vital == nil { missing.append("vital") }
        if direction == nil { missing.append("direction") }
        if bands == nil && rateOfChange == nil { missing.append("bands") }
        guard let vital, let direction, missing.isEmpty else {
            for field in missing {
                issues.append(.init(path: "\(path).\(field)", message: "required for a new rule \"\(id)\" (no default rule has this id)"))
            }
            return nil
        }
        var rule = ThresholdRule(id: id, vital: vital, direction: direction, bands: [], hysteresis: 0)
        apply(to: &rule)
        return rule
    }
}

/// A rule set or override failed validation; each issue names the field and what is wrong with it.
public struct RuleValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem: where (`rules[spo2-low].bands[high].limit`) and what.
    public struct Issue: Sendable, Hashable, CustomStringConvertible {
        /// Where the problem is, e.g. `rules[spo2-low].bands[high].limit` or `overrides[0].vital`.
        public var path: String
        /// What is wrong, in words for the person who wrote the configuration.
        public var message: String

        /// An issue as given.
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        public var description: String { "\(path): \(message)" }
    }

    /// Every problem found; never empty when this library throws the error.
    public var issues: [Issue]

    /// An error with `issues` as given; an empty list is not rejected.
    public init(issues: [Issue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}
