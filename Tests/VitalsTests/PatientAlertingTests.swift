import Testing
import Vitals

@Suite struct PatientAlertingTests {
    @Test func readingsBecomeAlertsThatPeopleActOnAndTimeEscalates() throws {
        var alerting = PatientAlerting(rules: .adultHomeDefaults)
        var actions: [AlertStateMachine.Action] = []
        for second in 0...60 { actions += alerting.ingest(reading(.oxygenSaturation, 87, at: Double(second))) }
        // medium (< 92 for 120 s) is not reached yet; high (< 90 for 60 s) is.
        let raised = try #require(actions.first?.alert)
        #expect(actions.count == 1)
        #expect(raised.cause == .rule(id: "spo2-low"))
        #expect(raised.priority == .high)
        #expect(alerting.nextDeadline == at(180))
        #expect(alerting.tick(now: at(180), staleAfter: .seconds(600)).first?.alert?.escalationTier == 1)
        let acknowledged = try alerting.perform(on: .rule(id: "spo2-low")) { machine throws(AlertTransitionError) in
            try machine.acknowledge(by: "nurse-ana", at: at(200))
        }
        #expect(acknowledged.alert?.status == .acknowledged)
        #expect(throws: AlertTransitionError.noOpenAlert) {
            try alerting.perform(on: .rule(id: "heart-rate-high")) { machine throws(AlertTransitionError) in
                try machine.acknowledge(by: "nurse-ana", at: at(200))
            }
        }
    }

    @Test func staleDataMakesTheOpenAlertIndeterminate() {
        var alerting = PatientAlerting(rules: .adultHomeDefaults)
        for second in 0...60 { _ = alerting.ingest(reading(.oxygenSaturation, 87, at: Double(second))) }
        let actions = alerting.tick(now: at(700), staleAfter: .seconds(600))
        #expect(actions.contains { $0.alert?.condition == .indeterminate })
    }

    @Test func changingRulesKeepsTheStateOfUnchangedOnes() throws {
        var alerting = PatientAlerting(rules: .adultHomeDefaults)
        for second in 0..<40 { _ = alerting.ingest(reading(.oxygenSaturation, 87, at: Double(second))) }
        let relaxed = try RuleSet.adultHomeDefaults.applying([RuleOverride(id: "heart-rate-high", isEnabled: false)])
        alerting.replaceRules(relaxed)
        var actions: [AlertStateMachine.Action] = []
        for second in 40...60 { actions += alerting.ingest(reading(.oxygenSaturation, 87, at: Double(second))) }
        #expect(actions.contains { $0.isRaise }, "the SpO2 tracker kept its 40 s of evidence")
    }
}
