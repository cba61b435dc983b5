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

    static func raisedAlerts(_ readings: [Reading], rules: RuleSet) -> Int {
        var alerting = PatientAlerting(rules: rules)
        return readings.flatMap { alerting.ingest($0) }.filter(\.isRaise).count
    }

    @Test(arguments: [
        (VitalKind.oxygenSaturation, 90.0, 2.0, UInt64(1)), (.oxygenSaturation, 92, 2, 2), (.oxygenSaturation, 94, 2, 3),
        (.heartRate, 110, 6, 4), (.heartRate, 130, 6, 5), (.heartRate, 50, 4, 6), (.pulseRate, 100, 6, 7),
        (.respiratoryRate, 20, 2, 8),
    ])
    func aNoisySignalAtALimitForAnHourRaisesAtMostOneAlert(kind: VitalKind, centre: Double, spread: Double, seed: UInt64) {
        let readings = Self.hoveringSignal(kind, centre: centre, spread: spread, seed: seed)
        #expect(Self.raisedAlerts(readings, rules: .adultHomeDefaults) <= 1)
    }

    /// The control: without sustain, hysteresis and clearing time the same signal flaps, so the test above
    /// measures what the rules do, not a quiet signal.
    @Test func withoutSustainAndHysteresisTheSameSignalFlaps() throws {
        let naive = try RuleSet(rules: [
            ThresholdRule(id: "spo2-low", vital: .oxygenSaturation, direction: .below,
                          bands: [.init(priority: .medium, limit: 90, sustain: .zero)], hysteresis: 0, clearAfter: .zero),
        ])
        let readings = Self.hoveringSignal(.oxygenSaturation, centre: 90, spread: 2, seed: 1)
        #expect(Self.raisedAlerts(readings, rules: naive) > 100)
    }

    @Test func aRealDesaturationAmidNoiseStillAlarmsHigh() {
        var readings = Self.hoveringSignal(.oxygenSaturation, centre: 96, spread: 2, seed: 9)
        for index in 1800..<1900 { readings[index].value = 86 }
        var alerting = PatientAlerting(rules: .adultHomeDefaults)
        let actions = readings.flatMap { alerting.ingest($0) }
        let raised = actions.compactMap { action -> Alert? in if case .raise(let alert) = action { alert } else { nil } }
        #expect(raised.count == 1)
        #expect(alerting.openAlerts.first?.priority == .high)
        #expect(alerting.openAlerts.first?.isLatching == true)
    }
}
