import Testing
import Vitals

@Suite struct RuleConfigurationTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The issues `body` throws; a different error or none at all yields a sentinel issue that fails the test.
    static func issues(_ body: () throws -> Void) -> [RuleValidationError.Issue] {
        do {
            try body()
            return [.init(path: "(nothing thrown)", message: "")]
        } catch let error as RuleValidationError {
            return error.issues
        } catch {
            return [.init(path: "(unexpected error)", message: "\(error)")]
        }
    }

    @Test func defaultsAreValidAndCoverEveryMonitoredVital() {
        let rules = RuleSet.adultHomeDefaults
        let vitals = Set(rules.rules.map(\.vital))
        for kind in [VitalKind.heartRate, .pulseRate, .oxygenSaturation, .bodyTemperature, .respiratoryRate, .systolicBloodPressure, .diastolicBloodPressure] {
            #expect(vitals.contains(kind), "no default rule for \(kind)")
        }
        #expect(rules["spo2-low"]?.bands.last == .init(priority: .high, limit: 90, sustain: .seconds(60)))
    }

    @Test func defaultsRoundTripThroughTheirJSONForm() throws {
        let json = RuleConfiguration.json(for: .adultHomeDefaults)
        let decoded = try RuleConfiguration.ruleSet(fromJSON: json)
        #expect(decoded == .adultHomeDefaults)
    }

    @Test func aRulesFileLoads() throws {
        let rules = try RuleConfiguration.ruleSet(fromJSON: Self.bytes("""
        {"rules": [{"id": "spo2-low", "vital": "spo2", "direction": "below", "hysteresis": 2, "clearAfterSeconds": 30,
          "bands": [{"priority": "high", "limit": 90, "sustainSeconds": 60}, {"priority": "medium", "limit": 92, "sustainSeconds": 120}],
          "rateOfChange": {"priority": "low", "change": 5, "windowSeconds": 300}}]}
        """))
        let rule = try #require(rules["spo2-low"])
        #expect(rule.bands.map(\.priority) == [.medium, .high])
        #expect(rule.bands.last?.sustain == .seconds(60))
        #expect(rule.clearAfter == .seconds(30))
        #expect(rule.maximumGap == .seconds(30), "defaults apply to fields left out")
        #expect(rule.rateOfChange?.window == .seconds(300))
    }

    @Test(arguments: [
        (#"{"rules": [{"id": "x", "vital": "spo2", "direction": "below", "bands": [{"priority": "high", "limit": 130}]}]}"#,
         "rules[x].bands[high].limit", "outside the plausible range"),
        (#"{"rules": [{"id": "x", "vital": "spo2", "direction": "below", "bands": [{"priority": "high", "limit": 93}, {"priority": "medium", "limit": 90}]}]}"#,
         "rules[x].bands[high].limit", "must be below the medium-priority limit"),
        (#"{"rules": [{"id": "x", "vital": "heart-rate", "direction": "above", "bands": [{"priority": "high", "limit": 110}, {"priority": "medium", "limit": 120}]}]}"#,
         "rules[x].bands[high].limit", "must be above the medium-priority limit"),
        (#"{"rules": [{"id": "x", "vital": "spo2", "direction": "below", "bands": [{"priority": "high", "limit": 90, "sustainSeconds": -5}]}]}"#,
         "rules[x].bands[high].sustain", "at most 24 h"),
        (#"{"rules": [{"id": "x", "vital": "spo2", "direction": "below", "hysteresis": -1, "bands": [{"priority": "high", "limit": 90}]}]}"#,
         "rules[x].hysteresis", "between 0"),
        (#"{"rules": [{"id": "x", "vital": "spo2", "direction": "below", "bands": []}]}"#,
         "rules[x].bands", "at least one band"),
        (#"{"rules": [{"id": "x", "vital": "oxygen", "direction": "below", "bands": []}]}"#,
         "rules[0].vital", "unknown vital \"oxygen\""),
        (#"{"rules": [{"id": "x", "vital": "spo2", "direction": "under", "bands": []}]}"#,
         "rules[0].direction", "\"below\" or \"above\""),
        (#"{"rules": [{"id": "x", "vital": "spo2", "direction": "below", "bands": [{"priority": "urgent", "limit": 90}]}]}"#,
         "rules[0].bands[0].priority", "low, medium, high"),
        (#"{"rules": [{"id": "x", "vital": "spo2", "direction": "below", "bands": [{"priority": "high", "limit": "ninety"}]}]}"#,
         "rules[0].bands[0].limit", "a number"),
        (#"{"rules": [{"vital": "spo2", "direction": "below"}]}"#, "rules[0].id", "is required"),
        (#"{"rules": [{"id": "a", "vital": "spo2", "direction": "below", "bands": [{"priority": "high", "limit": 90}]}, {"id": "a", "vital": "spo2", "direction": "below", "bands": [{"priority": "high", "limit": 90}]}]}"#,
         "rules[a].id", "duplicate"),
        (#"{"rules": [{"id": "Bad Id", "vital": "spo2", "direction": "below", "bands": [{"priority": "high", "limit": 90}]}]}"#,
         "rules[Bad Id].id", "a-z, 0-9"),
        (#"{"rules": [{"id": "f", "vital": "fall", "direction": "above", "bands": [{"priority": "high", "limit": 1}]}]}"#,
         "rules[f].vital", "accelerometer"),
        (#"{"rules": [{"id": "x", "vital": "spo2", "direction": "below", "bands": [{"priority": "high", "limit": 90}], "rateOfChange": {"priority": "low", "change": 0, "windowSeconds": 60}}]}"#,
         "rules[x].rateOfChange.change", "more than 0"),
        (#"{"rules": [{"id": "x""#, "(document)", "not valid JSON"),
        (#"{}"#, "rules", "is required"),
    ])
    func invalidRulesNameTheFieldAndTheReason(json: String, path: String, message: String) {
        let issues = Self.issues { _ = try RuleConfiguration.ruleSet(fromJSON: Self.bytes(json)) }
        #expect(issues.contains { $0.path == path && $0.message.contains(message) }, "got \(issues)")
    }

    @Test func overridesChangeOnlyWhatTheyName() throws {
        let overrides = try RuleConfiguration.overrides(fromJSON: Self.bytes("""
        {"overrides": [
          {"id": "spo2-low", "bands": [{"priority": "high", "limit": 85, "sustainSeconds": 60}, {"priority": "medium", "limit": 88, "sustainSeconds": 120}], "rateOfChange": null},
          {"id": "heart-rate-high", "enabled": false},
          {"id": "pi-low", "vital": "perfusion-index", "direction": "below", "bands": [{"priority": "low", "limit": 0.3, "sustainSeconds": 300}]}
        ]}
        """))
        let rules = try RuleSet.adultHomeDefaults.applying(overrides)
        #expect(rules["spo2-low"]?.bands.map(\.limit) == [88, 85])
        #expect(rules["spo2-low"]?.hysteresis == 2, "unchanged fields keep the default")
        #expect(rules["spo2-low"]?.rateOfChange == nil, "null removes the rate-of-change")
        #expect(rules["heart-rate-high"]?.isEnabled == false)
        #expect(rules.rules(for: .heartRate).map(\.id) == ["heart-rate-low"])
        #expect(rules["pi-low"]?.vital == .perfusionIndex)
        #expect(RuleSet.adultHomeDefaults["spo2-low"]?.rateOfChange != nil, "the defaults themselves are untouched")
    }

    @Test func anOverrideThatBreaksARuleIsRejectedWithItsPath() throws {
        let overrides = try RuleConfiguration.overrides(fromJSON: Self.bytes("""
        {"overrides": [{"id": "spo2-low", "bands": [{"priority": "high", "limit": 95}, {"priority": "medium", "limit": 92}]}]}
        """))
        let issues = Self.issues { _ = try RuleSet.adultHomeDefaults.applying(overrides) }
        #expect(issues.map(\.path) == ["rules[spo2-low].bands[high].limit"])
    }

    @Test func aNewRuleByOverrideMustSayWhatItWatches() throws {
        let overrides = try RuleConfiguration.overrides(fromJSON: Self.bytes(#"{"overrides": [{"id": "brand-new", "hysteresis": 1}]}"#))
        let issues = Self.issues { _ = try RuleSet.adultHomeDefaults.applying(overrides) }
        #expect(Set(issues.map(\.path)) == ["overrides[0].vital", "overrides[0].direction", "overrides[0].bands"])
    }
}
