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
        #expect(alerting.replaceRules(relaxed, at: at(40)).isEmpty)
        var actions: [AlertStateMachine.Action] = []
        for second in 40...60 { actions += alerting.ingest(reading(.oxygenSaturation, 87, at: Double(second))) }
        #expect(actions.contains { $0.isRaise }, "the SpO2 tracker kept its 40 s of evidence")
    }

    /// Raises a medium systolic alert (95 mmHg, below the medium limit of 100) and returns the alerting and alert.
    static func lowPressureAlert() throws -> (PatientAlerting, Alert) {
        var alerting = PatientAlerting(rules: .adultHomeDefaults)
        let alert = try #require(alerting.ingest(reading(.systolicBloodPressure, 95, at: 0)).first?.alert)
        return (alerting, alert)
    }

    @Test func anAlertRestoredFromStorageStillClearsWhenValuesRecover() throws {
        let (_, open) = try Self.lowPressureAlert()
        #expect(open.condition == .present)
        var restored = PatientAlerting(rules: .adultHomeDefaults, openAlerts: [open])
        let actions = restored.ingest(reading(.systolicBloodPressure, 130, at: 3600))
        #expect(actions.map { $0.alert?.status } == [.resolved], "the restored tracker reports the condition clearing")
        #expect(restored.openAlerts.isEmpty)
    }

    @Test func anAlertRestoredFromStorageStaysOpenWhileValuesStayBad() throws {
        let (_, open) = try Self.lowPressureAlert()
        var restored = PatientAlerting(rules: .adultHomeDefaults, openAlerts: [open])
        #expect(restored.ingest(reading(.systolicBloodPressure, 97, at: 3600)).allSatisfy { $0.alert?.isOpen == true })
        #expect(restored.openAlerts.count == 1)
    }

    @Test func editingARuleDoesNotStrandItsOpenAlert() throws {
        var (alerting, _) = try Self.lowPressureAlert()
        let edited = try RuleSet.adultHomeDefaults.applying([RuleOverride(id: "systolic-bp-low", hysteresis: 8)])
        #expect(alerting.replaceRules(edited, at: at(10)).isEmpty)
        #expect(alerting.ingest(reading(.systolicBloodPressure, 130, at: 600)).map { $0.alert?.status } == [.resolved])
    }

    @Test func removingARuleMakesItsOpenAlertResolvableByAPerson() throws {
        var (alerting, _) = try Self.lowPressureAlert()
        let disabled = try RuleSet.adultHomeDefaults.applying([RuleOverride(id: "systolic-bp-low", isEnabled: false)])
        let actions = alerting.replaceRules(disabled, at: at(10))
        #expect(actions.map { $0.alert?.condition } == [.indeterminate])
        let resolved = try alerting.perform(on: .rule(id: "systolic-bp-low")) { machine throws(AlertTransitionError) in
            try machine.resolve(by: "dr-lee", note: "target changed for this patient", at: at(20))
        }
        #expect(resolved.alert?.status == .resolved)
    }

    /// The whole life of one alert, driven by readings, people and time: raise, escalate, re-trigger, acknowledge,
    /// snooze, snooze expiry, latch, resolve; one alert throughout. (The NEWS2 alert the same SpO2 raises alongside
    /// is left out of the log: EarlyWarningTrackerTests follow it.)
    @Test func wholeLifecycleFromReadingsToResolution() throws {
        var alerting = PatientAlerting(rules: .adultHomeDefaults)
        let cause = AlertCause.rule(id: "spo2-low")
        var log: [AlertStateMachine.Action] = []
        var second = 0.0
        func feed(_ value: Double, for seconds: Int) {
            for _ in 0..<seconds {
                let actions = alerting.ingest(reading(.oxygenSaturation, value, at: second))
                    + alerting.tick(now: at(second), staleAfter: .seconds(600))
                log += actions.filter { $0.alert?.cause == cause }
                second += 1
            }
        }
        // Desaturation: raised high at 60 s, escalated to tier 1 two minutes later while nobody answers.
        feed(87, for: 200)
        #expect(log.filter(\.isRaise).count == 1)
        #expect(log.contains { if case .notify(_, .escalated(tier: 1), _) = $0 { true } else { false } })
        // A nurse acknowledges; values recover; the high alert latches.
        _ = try alerting.perform(on: cause) { machine throws(AlertTransitionError) in try machine.acknowledge(by: "nurse-ana", at: at(second)) }
        feed(97, for: 60)
        #expect(alerting.openAlerts.first { $0.cause == cause }?.condition == .absent)
        #expect(alerting.openAlerts.first { $0.cause == cause }?.status == .acknowledged)
        // It happens again: the same alert is announced again, and snoozed for five minutes.
        feed(86, for: 61)
        #expect(log.filter(\.isRaise).count == 1, "re-triggering updates the open alert")
        #expect(alerting.openAlerts.first { $0.cause == cause }?.status == .unacknowledged)
        _ = try alerting.perform(on: cause) { machine throws(AlertTransitionError) in
            try machine.snooze(by: "nurse-ana", until: at(second + 300), at: at(second))
        }
        let snoozedAt = log.count
        feed(86, for: 299)
        #expect(log[snoozedAt...].allSatisfy { if case .notify = $0 { false } else { true } }, "silent while snoozed")
        feed(86, for: 2)
        #expect(log[snoozedAt...].contains { if case .notify(_, .snoozeExpired, _) = $0 { true } else { false } })
        // Acknowledged again, values recover, and a person resolves it with a note.
        _ = try alerting.perform(on: cause) { machine throws(AlertTransitionError) in try machine.acknowledge(by: "nurse-ana", at: at(second)) }
        feed(97, for: 60)
        let closed = try alerting.perform(on: cause) { machine throws(AlertTransitionError) in
            try machine.resolve(by: "nurse-ana", note: "oxygen started", at: at(second))
        }
        #expect(closed.alert?.status == .resolved)
        #expect(closed.alert?.raisedAt == at(60))
        #expect(!alerting.openAlerts.contains { $0.cause == cause })
    }
}

@Suite struct AlertPolicyChangeTests {
    /// A changed policy governs the next alert of a cause that has alerted before, not only causes that never did.
    @Test func aCauseThatAlertedBeforeRaisesItsNextAlertUnderTheNewPolicy() {
        var alerting = PatientAlerting(rules: .adultHomeDefaults, policy: AlertPolicy(latchingPriorities: [], escalationDelay: [.high: .seconds(120)]))
        func feed(_ value: Double, from start: Double, seconds: Int) -> [AlertStateMachine.Action] {
            (0..<seconds).flatMap { alerting.ingest(Reading(kind: .oxygenSaturation, value: value, measuredAt: at(start + Double($0)))) }
        }
        func raisedSpO2(_ actions: [AlertStateMachine.Action]) -> Alert? {
            actions.compactMap { if case .raise(let alert) = $0, alert.cause == .rule(id: "spo2-low") { alert } else { nil } }.last
        }
        let first = raisedSpO2(feed(84, from: 0, seconds: 90))
        #expect(first.map { $0.nextEscalationAt?.timeIntervalSince($0.raisedAt) } == 120)
        _ = feed(97, from: 90, seconds: 600)
        #expect(!alerting.openAlerts.contains { $0.cause == .rule(id: "spo2-low") }, "the non-latching alert closed once SpO2 recovered")
        let newPolicy = AlertPolicy(latchingPriorities: [.high], escalationDelay: [.high: .seconds(30)])
        alerting.policy = newPolicy
        _ = feed(84, from: 700, seconds: 90)
        #expect(alerting.machines[.rule(id: "spo2-low")]?.policy == newPolicy)
        let second = alerting.openAlerts.first { $0.cause == .rule(id: "spo2-low") }
        #expect(second?.priority == .high)
        #expect(second?.isLatching == true, "high priority latches under the new policy")
    }
}
