/// Checks rules for everything that would make them meaningless or dangerous, naming the field for each problem.
enum RuleValidation {
    static let longestDuration: Duration = .seconds(24 * 3600)

    static func validate(_ rules: [ThresholdRule]) throws(RuleValidationError) {
        var issues: [RuleValidationError.Issue] = []
        var seen: Set<String> = []
        for (index, rule) in rules.enumerated() {
            let path = rule.id.isEmpty ? "rules[\(index)]" : "rules[\(rule.id)]"
            if !seen.insert(rule.id).inserted {
                issues.append(.init(path: "\(path).id", message: "duplicate rule id \"\(rule.id)\""))
            }
            issues += validate(rule, path: path)
        }
        guard issues.isEmpty else { throw RuleValidationError(issues: issues) }
    }

    static func validate(_ rule: ThresholdRule, path: String) -> [RuleValidationError.Issue] {
        var issues: [RuleValidationError.Issue] = []
        func fail(_ field: String, _ message: String) {
            issues.append(.init(path: "\(path).\(field)", message: message))
        }
        if rule.id.isEmpty || !rule.id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
            fail("id", "must be non-empty and use only a-z, 0-9 and '-'")
        }
        if rule.vital == .fallEvent {
            fail("vital", "falls are detected from accelerometer samples, not by threshold rules")
        }
        if rule.bands.isEmpty && rule.rateOfChange == nil {
            fail("bands", "needs at least one band or a rate-of-change")
        }
        let range = rule.vital.plausibleRange
        let unit = rule.vital.unit.symbol
        for band in rule.bands {
            let bandPath = "bands[\(band.priority)]"
            if rule.bands.filter({ $0.priority == band.priority }).count > 1 {
                fail(bandPath, "more than one \(band.priority)-priority band")
            }
            if !band.limit.isFinite || !range.contains(band.limit) {
                fail("\(bandPath).limit", "\(band.limit) is outside the plausible range of \(rule.vital.displayName), \(range.lowerBound)...\(range.upperBound) \(unit)")
            }
            issues += durationIssues(band.sustain, path: "\(path).\(bandPath).sustain", allowZero: true)
        }
        let ordered = rule.bands.sorted { $0.priority < $1.priority }
        for (lower, higher) in zip(ordered, ordered.dropFirst()) where lower.priority != higher.priority {
            let moreExtreme = rule.direction == .below ? higher.limit < lower.limit : higher.limit > lower.limit
            if !moreExtreme {
                let comparison = rule.direction == .below ? "below" : "above"
                fail("bands[\(higher.priority)].limit", "a \(higher.priority)-priority limit must be \(comparison) the \(lower.priority)-priority limit (\(ThresholdRule.format(lower.limit)) \(unit)) for a '\(rule.direction.rawValue)' rule")
            }
        }
        let span = range.upperBound - range.lowerBound
        if !rule.hysteresis.isFinite || rule.hysteresis < 0 || rule.hysteresis > span / 4 {
            fail("hysteresis", "must be between 0 and \(ThresholdRule.format(span / 4)) \(unit)")
        }
        issues += durationIssues(rule.clearAfter, path: "\(path).clearAfter", allowZero: true)
        issues += durationIssues(rule.maximumGap, path: "\(path).maximumGap", allowZero: false)
        if let rate = rule.rateOfChange {
            if !rate.change.isFinite || rate.change <= 0 || rate.change > span {
                fail("rateOfChange.change", "must be more than 0 and at most \(ThresholdRule.format(span)) \(unit)")
            }
            issues += durationIssues(rate.window, path: "\(path).rateOfChange.window", allowZero: false)
        }
        return issues
    }

    static func durationIssues(_ duration: Duration, path: String, allowZero: Bool) -> [RuleValidationError.Issue] {
        let tooShort = allowZero ? duration < .zero : duration <= .zero
        guard tooShort || duration > longestDuration else { return [] }
        let lowest = allowZero ? "0 s" : "more than 0 s"
        return [.init(path: path, message: "must be \(lowest) and at most 24 h")]
    }
}
