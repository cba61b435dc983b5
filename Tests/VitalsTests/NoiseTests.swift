import Foundation
import Testing
import Vitals

/// A signal hovering at an alarm limit with measurement noise must not make alarms flap.
@Suite struct NoiseTests {
    /// One reading per second for an hour: `centre` plus noise of up to ±`spread`, rounded as devices round.
    static func hoveringSignal(_ kind: VitalKind, centre: Double, spread: Double, seed: UInt64) -> [Reading] {
        var generator = SeededGenerator(seed: seed)
        return (0..<3600).map { second in
            let noise = (Double.random(in: -1...1, using: &generator) + Double.random(in: -1...1, using: &generator)) / 2 * spread
            return reading(kind, (centre + noise).rounded(), at: Double(second), sequence: UInt64(second))
        }
    }

    /// How many rule alerts were raised, and how many times an open one was announced again (priority or recurrence).
    /// NEWS2 has its own noise tests (EarlyWarningTrackerTests).
    static func alerts(_ readings: [Reading], rules: RuleSet) -> (raised: Int, reannounced: Int) {
        var alerting = PatientAlerting(rules: rules)
        let actions = readings.flatMap { alerting.ingest($0) }.filter { $0.alert?.cause != .earlyWarningScore }
        let reannounced = actions.filter { if case .notify = $0 { true } else { false } }.count
        return (actions.filter(\.isRaise).count, reannounced)
    }

    static func spo2Rule(hysteresis: Double, clearAfter: Duration) throws -> RuleSet {
        // A validation failure fails the test rather than quietly testing the defaults instead.
        try RuleSet(rules: [
            ThresholdRule(id: "spo2-low", vital: .oxygenSaturation, direction: .below,
                          bands: [.init(priority: .medium, limit: 90, sustain: .seconds(5))],
                          hysteresis: hysteresis, clearAfter: clearAfter),
        ])
    }

    /// SpO2 hovering just under 90 % (89.5 ± 3, read as whole percent) for an hour: one alert, raised once and kept.
    @Test func aNoisySignalAtTheLimitForAnHourRaisesExactlyOneAlert() throws {
        let readings = Self.hoveringSignal(.oxygenSaturation, centre: 89.5, spread: 3, seed: 1)
        let result = Self.alerts(readings, rules: try Self.spo2Rule(hysteresis: 2, clearAfter: .seconds(5)))
        #expect(result.raised == 1)
        #expect(result.reannounced == 0)
    }

    /// The controls: remove the hysteresis, or the clearing time, and the same signal flaps. So the test above
    /// measures what those two do, not a quiet signal.
    @Test(arguments: [(0.0, Duration.seconds(5)), (2.0, Duration.zero), (0.0, Duration.zero)])
    func withoutHysteresisOrClearingTimeTheSameSignalFlaps(hysteresis: Double, clearAfter: Duration) throws {
        let readings = Self.hoveringSignal(.oxygenSaturation, centre: 89.5, spread: 3, seed: 1)
        #expect(Self.alerts(readings, rules: try Self.spo2Rule(hysteresis: hysteresis, clearAfter: clearAfter)).raised > 5)
    }

    /// With the default rules, signals hovering just past a band's limit for an hour: exactly one alert each, never
    /// announced again (a rise in priority would be an announcement, and is allowed once at most).
    @Test(arguments: [
        (VitalKind.oxygenSaturation, 89.5, 2.0, UInt64(1)), (.oxygenSaturation, 91.5, 2, 2), (.oxygenSaturation, 93.5, 2, 3),
        (.heartRate, 110.5, 6, 4), (.heartRate, 130.5, 6, 5), (.heartRate, 49.5, 4, 6), (.pulseRate, 100.5, 6, 7),
        (.respiratoryRate, 20.5, 2, 8),
    ])
    func withTheDefaultsANoisySignalAtALimitRaisesOneAlertPerHour(kind: VitalKind, centre: Double, spread: Double, seed: UInt64) {
        let readings = Self.hoveringSignal(kind, centre: centre, spread: spread, seed: seed)
        let result = Self.alerts(readings, rules: .adultHomeDefaults)
        #expect(result.raised == 1)
        #expect(result.reannounced <= 1)
    }

    @Test func aRealDesaturationAmidNoiseStillAlarmsHigh() {
        var readings = Self.hoveringSignal(.oxygenSaturation, centre: 96, spread: 2, seed: 9)
        for index in 1800..<1900 { readings[index].value = 86 }
        var alerting = PatientAlerting(rules: .adultHomeDefaults)
        let actions = readings.flatMap { alerting.ingest($0) }
        #expect(actions.filter(\.isRaise).count == 1)
        #expect(alerting.openAlerts.first?.priority == .high)
        #expect(alerting.openAlerts.first?.isLatching == true)
    }
}

