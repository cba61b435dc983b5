import Testing
import Vitals

@Suite struct RuleTrackerTests {
    static let spo2Low = ThresholdRule(
        id: "spo2-low", vital: .oxygenSaturation, direction: .below,
        bands: [
            .init(priority: .medium, limit: 92, sustain: .seconds(120)),
            .init(priority: .high, limit: 90, sustain: .seconds(60)),
        ],
        hysteresis: 2, clearAfter: .seconds(30), maximumGap: .seconds(30))

    /// Feeds one reading per second from `start` and returns every change.
    static func feed(_ tracker: inout RuleTracker, values: [Double], start: Double = 0, kind: VitalKind = .oxygenSaturation) -> [ConditionChange] {
        values.enumerated().compactMap { offset, value in
            tracker.observe(reading(kind, value, at: start + Double(offset), sequence: UInt64(offset)))
        }
    }

    @Test func desaturationBelowThresholdForSixtySecondsRaisesHighPriority() {
        var tracker = RuleTracker(rule: Self.spo2Low)
        let changes = Self.feed(&tracker, values: Array(repeating: 88, count: 61))
        #expect(changes.count == 1)
        #expect(changes.first?.status == .present(.high))
        #expect(changes.first?.at == at(60))
        let evidence = changes.first?.evidence
        #expect(evidence?.ruleID == "spo2-low")
        #expect(evidence?.summary == "SpO2 below 90 % for 1 min")
        #expect(evidence?.limit == 90)
        #expect(evidence?.since == at(0))
        #expect(evidence?.readingCount == 61)
        #expect(evidence?.readings.first?.measuredAt == at(0))
        #expect(evidence?.readings.last?.measuredAt == at(60))
    }

    @Test func desaturationsInterruptedByARecoveryRaiseNothing() {
        var tracker = RuleTracker(rule: Self.spo2Low)
        // 50 s low, 10 s recovered (longer than the 6 s excursion tolerance of a 60 s sustain), 50 s low.
        let values = Array(repeating: 88.0, count: 50) + Array(repeating: 96, count: 10) + Array(repeating: 88, count: 50)
        #expect(Self.feed(&tracker, values: values).isEmpty)
    }

    @Test func aSingleGoodReadingAmidADesaturationDoesNotRestartTheSustainTime() {
        var tracker = RuleTracker(rule: Self.spo2Low)
        let values = Array(repeating: 88.0, count: 30) + [96] + Array(repeating: 88, count: 30)
        #expect(Self.feed(&tracker, values: values).map(\.status) == [.present(.high)])
    }

    @Test func bandsEscalateWithinOneCondition() {
        var tracker = RuleTracker(rule: Self.spo2Low)
        // 91 % for 2 min reaches the medium band; then 89 % for 1 min reaches the high band.
        let changes = Self.feed(&tracker, values: Array(repeating: 91, count: 121) + Array(repeating: 89, count: 61))
        // Medium, its evidence updated when 89 % becomes the worst value, then high.
        #expect(changes.map(\.status) == [.present(.medium), .present(.medium), .present(.high)])
        #expect(changes.map { $0.evidence?.worstValue } == [91, 89, 89])
        #expect(changes.last?.evidence?.limit == 90)
    }

    @Test func clearingNeedsHysteresisAndTime() {
        var tracker = RuleTracker(rule: Self.spo2Low)
        _ = Self.feed(&tracker, values: Array(repeating: 88, count: 61))
        // 91 % is above the high limit (90) but within its hysteresis (2): the high band holds for a whole minute.
        #expect(Self.feed(&tracker, values: Array(repeating: 91, count: 60), start: 61).isEmpty)
        #expect(tracker.status == .present(.high))
        // 95 % clears every band, but only after 30 s of it.
        #expect(Self.feed(&tracker, values: Array(repeating: 95, count: 30), start: 121).isEmpty)
        let cleared = Self.feed(&tracker, values: [95], start: 151)
        #expect(cleared.map(\.status) == [.absent])
    }

    @Test func artifactsNeitherStartNorBreakACondition() {
        var tracker = RuleTracker(rule: Self.spo2Low)
        var values = Array(repeating: 88.0, count: 61)
        values[30] = 130 // impossible: skipped, the sustain continues across it
        let changes = Self.feed(&tracker, values: values)
        #expect(changes.map(\.status) == [.present(.high)])

        var other = RuleTracker(rule: Self.spo2Low)
        let flagged = (0..<120).compactMap { second in
            other.observe(reading(.oxygenSaturation, 70, at: Double(second), flags: .sensorDisplaced))
        }
        #expect(flagged.isEmpty, "a displaced sensor reading 70 % is not a desaturation")
    }

    @Test func aGapLongerThanTheMaximumRestartsTheSustainTime() {
        var tracker = RuleTracker(rule: Self.spo2Low)
        #expect(Self.feed(&tracker, values: Array(repeating: 88, count: 40)).isEmpty)
        // 45 s without data, then 30 more seconds at 88 %: only 30 s of continuous evidence.
        #expect(Self.feed(&tracker, values: Array(repeating: 88, count: 30), start: 85).isEmpty)
        #expect(Self.feed(&tracker, values: Array(repeating: 88, count: 31), start: 115).map(\.status) == [.present(.high)])
    }

    @Test func lateReadingsCannotRewriteThePast() {
        var tracker = RuleTracker(rule: Self.spo2Low)
        _ = Self.feed(&tracker, values: Array(repeating: 97, count: 10), start: 100)
        #expect(tracker.observe(reading(.oxygenSaturation, 80, at: 50)) == nil)
        #expect(tracker.status == .absent)
    }

    @Test func staleDataMakesAPresentConditionIndeterminateAndFreshDataDecides() {
        var tracker = RuleTracker(rule: Self.spo2Low)
        _ = Self.feed(&tracker, values: Array(repeating: 88, count: 61))
        #expect(tracker.checkStaleness(now: at(200), staleAfter: .seconds(300)) == nil)
        #expect(tracker.checkStaleness(now: at(400), staleAfter: .seconds(300))?.status == .indeterminate)
        #expect(tracker.checkStaleness(now: at(500), staleAfter: .seconds(300)) == nil, "said once")
        #expect(tracker.observe(reading(.oxygenSaturation, 87, at: 600))?.status == .present(.high))
    }

    @Test func rateOfChangeRaisesOnAFastFallAboveTheLimits() {
        let rule = ThresholdRule(
            id: "spo2-drop", vital: .oxygenSaturation, direction: .below,
            bands: [.init(priority: .high, limit: 85, sustain: .seconds(10))], hysteresis: 1,
            rateOfChange: .init(priority: .low, change: 5, window: .seconds(300)))
        var tracker = RuleTracker(rule: rule)
        // 99 % falling by 0.1 % per second: 5 points after 50 s.
        let values = (0...60).map { 99 - Double($0) * 0.1 }
        let changes = Self.feed(&tracker, values: values)
        #expect(changes.allSatisfy { $0.status == .present(.low) })
        #expect(changes.count == 11, "raised at 94.0 %, then one evidence update per new low down to 93.0 %")
        #expect(changes.first?.at == at(50))
        #expect(changes.first?.evidence?.summary == "SpO2 falling by 5 % within 5 min")
        #expect(changes.first?.evidence?.readings.first?.value == 99, "the reference reading is part of the evidence")
    }

    @Test func aSlowDriftDoesNotTriggerTheRateOfChange() {
        let rule = ThresholdRule(
            id: "spo2-drop", vital: .oxygenSaturation, direction: .below,
            bands: [.init(priority: .high, limit: 85, sustain: .seconds(10))], hysteresis: 1,
            rateOfChange: .init(priority: .low, change: 5, window: .seconds(300)))
        var tracker = RuleTracker(rule: rule)
        // 4 points per 5 minutes, for an hour: never 5 within a window.
        let values = (0..<3600).map { 99 - Double($0) * (4.0 / 300.0) * 0.25 }
        #expect(Self.feed(&tracker, values: values).isEmpty)
    }

    @Test func aboveRulesUseTheirOwnDirection() {
        let rule = ThresholdRule(
            id: "hr-high", vital: .heartRate, direction: .above,
            bands: [.init(priority: .medium, limit: 120, sustain: .seconds(5))], hysteresis: 5, clearAfter: .seconds(5))
        var tracker = RuleTracker(rule: rule)
        #expect(Self.feed(&tracker, values: Array(repeating: 125, count: 6), kind: .heartRate).map(\.status) == [.present(.medium)])
        #expect(Self.feed(&tracker, values: Array(repeating: 118, count: 10), start: 6, kind: .heartRate).isEmpty, "within hysteresis")
        #expect(Self.feed(&tracker, values: Array(repeating: 110, count: 6), start: 16, kind: .heartRate).map(\.status) == [.absent])
    }

    @Test func spotMeasurementsWithZeroSustainAlarmOnOneReading() {
        let rules = RuleSet.adultHomeDefaults
        var tracker = RuleTracker(rule: rules["temperature-high"]!)
        #expect(tracker.observe(reading(.bodyTemperature, 39.4, at: 0))?.status == .present(.medium))
        #expect(tracker.observe(reading(.bodyTemperature, 37.0, at: 4 * 3600))?.status == .absent)
    }

    @Test func disabledRulesNeverFire() {
        var rule = Self.spo2Low
        rule.isEnabled = false
        var tracker = RuleTracker(rule: rule)
        #expect(Self.feed(&tracker, values: Array(repeating: 80, count: 200)).isEmpty)
    }

    @Test func noiseAroundAValueJustPastTheLimitStillSustains() {
        // A true SpO2 of 89 % read with noise as 88–91 %: 91 and 90 are back over the high limit (90) but within
        // its hysteresis, and never for long.
        var generator = SeededGenerator(seed: 11)
        let choices: [Double] = [88, 89, 89, 90, 91]
        let values: [Double] = (0..<600).map { _ in choices.randomElement(using: &generator) ?? 89 }
        var tracker = RuleTracker(rule: Self.spo2Low)
        let high = Self.feed(&tracker, values: values).first { $0.status == .present(.high) }
        #expect(high != nil)
        #expect((high?.at).map { $0 < at(300) } == true, "reached within five minutes")
    }

    @Test func aSingleDipInAStableValueWithinTheHysteresisDoesNotSustain() {
        // 91 % for ten minutes with one reading at 89 %: 91 is not past the limit, and staying there is a recovery.
        var values = Array(repeating: 91.0, count: 600)
        values[100] = 89
        var tracker = RuleTracker(rule: Self.spo2Low)
        #expect(!Self.feed(&tracker, values: values).contains { $0.status == .present(.high) })
    }
}
