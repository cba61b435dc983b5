#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JSON form of threshold rules, as written in a configuration file or stored per patient.
///
/// A rules file: `{"rules": [{"id": "spo2-low", "vital": "spo2", "direction": "below", "hysteresis": 2,
/// "clearAfterSeconds": 30, "maximumGapSeconds": 30, "bands": [{"priority": "high", "limit": 90,
/// "sustainSeconds": 60}], "rateOfChange": {"priority": "low", "change": 5, "windowSeconds": 300}}]}`.
/// A patient's overrides: `{"overrides": [{"id": "spo2-low", "bands": [...]}, {"id": "heart-rate-high",
/// "enabled": false}]}`; fields left out keep the default, `"rateOfChange": null` removes it.
public enum RuleConfiguration {
    /// Reads a rules file and validates it as a complete rule set.
    public static func ruleSet(fromJSON bytes: [UInt8]) throws(RuleValidationError) -> RuleSet {
        let document: RulesDocument = try decode(bytes)
        var issues: [RuleValidationError.Issue] = []
        var rules: [ThresholdRule] = []
        for (index, dto) in (document.rules ?? []).enumerated() {
            if let rule = dto.rule(path: "rules[\(index)]", issues: &issues) { rules.append(rule) }
        }
        if document.rules == nil { issues.append(.init(path: "rules", message: "is required")) }
        guard issues.isEmpty else { throw RuleValidationError(issues: issues) }
        return try RuleSet(rules: rules)
    }

    /// Reads a patient's overrides. They are validated in full when applied to a rule set.
    public static func overrides(fromJSON bytes: [UInt8]) throws(RuleValidationError) -> [RuleOverride] {
        let document: OverridesDocument = try decode(bytes)
        var issues: [RuleValidationError.Issue] = []
        var overrides: [RuleOverride] = []
        for (index, dto) in (document.overrides ?? []).enumerated() {
            if let override = dto.override(path: "overrides[\(index)]", issues: &issues) { overrides.append(override) }
        }
        guard issues.isEmpty else { throw RuleValidationError(issues: issues) }
        return overrides
    }

    /// The JSON form of `ruleSet`, which ``ruleSet(fromJSON:)`` reads back unchanged.
    public static func json(for ruleSet: RuleSet) -> [UInt8] {
        let document = RulesDocument(rules: ruleSet.rules.map(RuleDTO.init))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Encoding plain strings, numbers and arrays cannot fail.
        return (try? Array(encoder.encode(document))) ?? []
    }

    private static func decode<Document: Decodable>(_ bytes: [UInt8]) throws(RuleValidationError) -> Document {
        do {
            return try JSONDecoder().decode(Document.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw RuleValidationError(issues: [issue(for: error)])
        } catch {
            throw RuleValidationError(issues: [.init(path: "(document)", message: "\(error)")])
        }
    }

    private static func issue(for error: DecodingError) -> RuleValidationError.Issue {
        let (path, message) = DecodingFailureDescription.describe(error)
        return .init(path: path, message: message)
    }
}

struct RulesDocument: Codable {
    var rules: [RuleDTO]?
}

struct OverridesDocument: Decodable {
    var overrides: [OverrideDTO]?
}

struct BandDTO: Codable {
    var priority: AlarmPriority
    var limit: Double
    var sustainSeconds: Double?

    init(_ band: ThresholdRule.Band) {
        priority = band.priority
        limit = band.limit
        sustainSeconds = band.sustain.inSeconds
    }

    var band: ThresholdRule.Band {
        .init(priority: priority, limit: limit, sustain: seconds(sustainSeconds ?? 0))
    }
}

struct RateDTO: Codable {
    var priority: AlarmPriority
    var change: Double
    var windowSeconds: Double

    init(_ rate: ThresholdRule.RateOfChange) {
        priority = rate.priority
        change = rate.change
        windowSeconds = rate.window.inSeconds
    }

    var rate: ThresholdRule.RateOfChange {
        .init(priority: priority, change: change, window: seconds(windowSeconds))
    }
}

struct RuleDTO: Codable {
    var id: String
    var vital: String
    var direction: String
    var bands: [BandDTO]?
    var hysteresis: Double?
    var clearAfterSeconds: Double?
    var maximumGapSeconds: Double?
    var rateOfChange: RateDTO?
    var enabled: Bool?

    init(_ rule: ThresholdRule) {
        id = rule.id
        vital = rule.vital.rawValue
        direction = rule.direction.rawValue
        bands = rule.bands.map(BandDTO.init)
        hysteresis = rule.hysteresis
        clearAfterSeconds = rule.clearAfter.inSeconds
        maximumGapSeconds = rule.maximumGap.inSeconds
        rateOfChange = rule.rateOfChange.map(RateDTO.init)
        enabled = rule.isEnabled
    }

    func rule(path: String, issues: inout [RuleValidationError.Issue]) -> ThresholdRule? {
        let kind = parseVital(vital, path: "\(path).vital", issues: &issues)
        let side = parseDirection(direction, path: "\(path).direction", issues: &issues)
        guard let kind, let side else { return nil }
        var rule = ThresholdRule(
            id: id, vital: kind, direction: side, bands: (bands ?? []).map(\.band), hysteresis: hysteresis ?? 0,
            rateOfChange: rateOfChange?.rate, isEnabled: enabled ?? true)
        if let clearAfterSeconds { rule.clearAfter = seconds(clearAfterSeconds) }
        if let maximumGapSeconds { rule.maximumGap = seconds(maximumGapSeconds) }
        return rule
    }
}

struct OverrideDTO: Decodable {
    var id: String
    var vital: String?
    var direction: String?
    var bands: [BandDTO]?
    var hysteresis: Double?
    var clearAfterSeconds: Double?
    var maximumGapSeconds: Double?
    /// Absent keeps the default; `null` removes it.
    var rateOfChange: RateDTO??
    var enabled: Bool?

    enum CodingKeys: String, CodingKey {
        case id, vital, direction, bands, hysteresis, clearAfterSeconds, maximumGapSeconds, rateOfChange, enabled
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        vital = try container.decodeIfPresent(String.self, forKey: .vital)
        direction = try container.decodeIfPresent(String.self, forKey: .direction)
        bands = try container.decodeIfPresent([BandDTO].self, forKey: .bands)
        hysteresis = try container.decodeIfPresent(Double.self, forKey: .hysteresis)
        clearAfterSeconds = try container.decodeIfPresent(Double.self, forKey: .clearAfterSeconds)
        maximumGapSeconds = try container.decodeIfPresent(Double.self, forKey: .maximumGapSeconds)
        if container.contains(.rateOfChange) {
            rateOfChange = .some(try container.decodeIfPresent(RateDTO.self, forKey: .rateOfChange))
        } else {
            rateOfChange = nil
        }
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
    }

    func override(path: String, issues: inout [RuleValidationError.Issue]) -> RuleOverride? {
        let before = issues.count
        let kind = vital.flatMap { parseVital($0, path: "\(path).vital", issues: &issues) }
        let side = direction.flatMap { parseDirection($0, path: "\(path).direction", issues: &issues) }
        guard issues.count == before else { return nil }
        return RuleOverride(
            id: id, vital: kind, direction: side, bands: bands.map { $0.map(\.band) }, hysteresis: hysteresis,
            clearAfter: clearAfterSeconds.map(seconds), maximumGap: maximumGapSeconds.map(seconds),
            rateOfChange: rateOfChange.map { $0.map(\.rate) }, isEnabled: enabled)
    }
}

private func parseVital(_ text: String, path: String, issues: inout [RuleValidationError.Issue]) -> VitalKind? {
    if let kind = VitalKind(rawValue: text) { return kind }
    let known = VitalKind.allCases.map(\.rawValue).joined(separator: ", ")
    issues.append(.init(path: path, message: "unknown vital \"\(text)\"; known: \(known)"))
    return nil
}

private func parseDirection(_ text: String, path: String, issues: inout [RuleValidationError.Issue]) -> ThresholdRule.Direction? {
    if let direction = ThresholdRule.Direction(rawValue: text) { return direction }
    issues.append(.init(path: path, message: "must be \"below\" or \"above\", not \"\(text)\""))
    return nil
}

/// Seconds from a configuration file as a duration; non-finite or absurd values become an out-of-range duration
/// that validation then names, rather than a trap.
private func seconds(_ value: Double) -> Duration {
    guard value.isFinite, abs(value) < 1e12 else { return .seconds(Int64.max / 2) }
    return .milliseconds(Int64((value * 1000).rounded()))
}
