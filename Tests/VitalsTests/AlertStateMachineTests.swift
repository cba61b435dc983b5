import Testing
import Vitals

@Suite struct AlertStateMachineTests {
    static let cause = AlertCause.rule(id: "spo2-low")

    static func evidence(_ priority: AlarmPriority, worst: Double = 88) -> AlertEvidence {
        AlertEvidence(ruleID: "spo2-low", summary: "SpO2 below 90 % for 1 min", priority: priority, vital: .oxygenSaturation,
                      limit: 90, since: at(0), readings: [reading(.oxygenSaturation, worst, at: 0)], worstValue: worst)
    }

    static func machine() -> AlertStateMachine { AlertStateMachine(cause: cause) }

    @Test func raiseAcknowledgeClearResolveForALatchingHighPriorityAlert() throws {
        var machine = Self.machine()
        // raised
        let raised = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(60))
        guard case .raise(let alert) = raised else { Issue.record("expected raise, got \(raised)"); return }
        #expect(alert.status == .unacknowledged)
        #expect(alert.isLatching)
        #expect(alert.evidence.ruleID == "spo2-low")
        #expect(alert.nextEscalationAt == at(180))
        // acknowledged
        let acknowledged = try machine.acknowledge(by: "nurse-ana", at: at(90))
        #expect(acknowledged == .update(machine.alert!, .acknowledged(by: "nurse-ana")))
        #expect(machine.alert?.nextEscalationAt == nil)
        #expect(machine.tick(now: at(1000)) == .none, "acknowledged alerts do not escalate")
        // values recover: a latching alert stays open
        let cleared = machine.conditionChanged(to: .absent, evidence: nil, at: at(300))
        #expect(cleared == .update(machine.alert!, .conditionCleared))
        #expect(machine.alert?.status == .acknowledged)
        // a person resolves it
        let resolved = try machine.resolve(by: "nurse-ana", note: "probe repositioned; SpO2 97 %", at: at(320))
        guard case .close(let closed, .resolved(.byPerson("nurse-ana", note: "probe repositioned; SpO2 97 %"))) = resolved else {
            Issue.record("expected close, got \(resolved)"); return
        }
        #expect(closed.status == .resolved)
        #expect(closed.resolvedAt == at(320))
        #expect(machine.alert == nil)
    }

    @Test func lowerPriorityAlertsResolveThemselvesWhenTheConditionClears() {
        var machine = Self.machine()
        #expect(machine.conditionChanged(to: .present(.medium), evidence: Self.evidence(.medium), at: at(0)).isRaise)
        #expect(machine.alert?.isLatching == false)
        let action = machine.conditionChanged(to: .absent, evidence: nil, at: at(100))
        guard case .close(let alert, .resolved(.conditionCleared)) = action else { Issue.record("got \(action)"); return }
        #expect(alert.resolution == .conditionCleared)
        #expect(machine.alert == nil)
    }

    @Test func reTriggeringUpdatesTheOpenAlertInsteadOfOpeningASecond() {
        var machine = Self.machine()
        #expect(machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(0)).isRaise)
        _ = machine.conditionChanged(to: .absent, evidence: nil, at: at(100))
        let again = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high, worst: 85), at: at(200))
        #expect(again == .notify(machine.alert!, .conditionReturned(.high), tier: 0), "a condition back after clearing is announced")
        #expect(machine.alert?.raisedAt == at(0))
        #expect(machine.alert?.evidence.worstValue == 85)
    }

    @Test func aHigherPriorityConditionReannouncesAnAcknowledgedAlert() throws {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.medium), evidence: Self.evidence(.medium), at: at(0))
        _ = try machine.acknowledge(by: "nurse-ana", at: at(10))
        let worse = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(60))
        #expect(worse == .notify(machine.alert!, .priorityRaised(from: .medium, to: .high), tier: 0))
        #expect(machine.alert?.status == .unacknowledged)
        #expect(machine.alert?.acknowledgedBy == nil, "an unacknowledged alert names nobody as having acknowledged it")
        #expect(machine.alert?.isLatching == true, "reaching high priority makes the alert latch")
        #expect(machine.alert?.nextEscalationAt == at(180))
    }

    @Test func unacknowledgedAlertsEscalateTierByTierThenKeepResending() {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(0))
        #expect(machine.nextDeadline == at(120))
        #expect(machine.tick(now: at(119)) == .none)
        #expect(machine.tick(now: at(120)) == .notify(machine.alert!, .escalated(tier: 1), tier: 1))
        #expect(machine.nextDeadline == at(240))
        #expect(machine.tick(now: at(240)) == .notify(machine.alert!, .escalated(tier: 2), tier: 2))
        #expect(machine.tick(now: at(360)) == .notify(machine.alert!, .escalated(tier: 2), tier: 2), "the last tier keeps being re-sent")
        #expect(machine.alert?.escalationTier == 2)
    }

    @Test func lowPriorityAlertsDoNotEscalateByDefault() {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.low), evidence: Self.evidence(.low), at: at(0))
        #expect(machine.nextDeadline == nil)
        #expect(machine.tick(now: at(100_000)) == .none)
    }

    @Test func snoozeHoldsEscalationBackUntilItExpiresThenReannounces() throws {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(0))
        _ = try machine.snooze(by: "nurse-ana", until: at(300), at: at(30))
        #expect(machine.nextDeadline == at(300))
        #expect(machine.tick(now: at(200)) == .none, "no escalation while snoozed")
        let expired = machine.tick(now: at(300))
        #expect(expired == .notify(machine.alert!, .snoozeExpired, tier: 0))
        #expect(machine.alert?.snoozedUntil == nil)
        #expect(machine.alert?.nextEscalationAt == at(420), "escalation restarts from the expiry")
        #expect(machine.tick(now: at(420)) == .notify(machine.alert!, .escalated(tier: 1), tier: 1))
    }

    @Test func snoozeNeverHidesAHigherPriorityCondition() throws {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.medium), evidence: Self.evidence(.medium), at: at(0))
        _ = try machine.snooze(by: "nurse-ana", until: at(1200), at: at(10))
        let worse = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(100))
        #expect(worse == .notify(machine.alert!, .priorityRaised(from: .medium, to: .high), tier: 0))
        #expect(machine.alert?.snoozedUntil == nil)
    }

    @Test func snoozeDoesNotCarryOverToANewAlert() throws {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.medium), evidence: Self.evidence(.medium), at: at(0))
        _ = try machine.snooze(by: "nurse-ana", until: at(1500), at: at(10))
        _ = machine.conditionChanged(to: .absent, evidence: nil, at: at(100))
        let new = machine.conditionChanged(to: .present(.medium), evidence: Self.evidence(.medium), at: at(200))
        #expect(new.isRaise)
        #expect(new.alert?.snoozedUntil == nil)
        #expect(new.alert?.raisedAt == at(200))
    }

    @Test func snoozeLimits() throws {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(0))
        #expect(throws: AlertTransitionError.snoozeNotInFuture) { try machine.snooze(by: "a", until: at(0), at: at(0)) }
        #expect(throws: AlertTransitionError.snoozeTooLong(longest: .seconds(600))) { try machine.snooze(by: "a", until: at(601), at: at(0)) }
    }

    @Test func resolvingWhileTheConditionHoldsIsRefused() throws {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(0))
        #expect(throws: AlertTransitionError.conditionStillPresent) { try machine.resolve(by: "a", note: nil, at: at(5)) }
        _ = machine.conditionChanged(to: .indeterminate, evidence: nil, at: at(700))
        #expect(machine.alert?.condition == .indeterminate)
        #expect(throws: Never.self) { try machine.resolve(by: "a", note: "device removed for the night", at: at(710)) }
    }

    @Test func invalidPersonActionsAreTypedErrors() throws {
        var machine = Self.machine()
        #expect(throws: AlertTransitionError.noOpenAlert) { try machine.acknowledge(by: "a", at: at(0)) }
        _ = machine.conditionChanged(to: .present(.low), evidence: Self.evidence(.low), at: at(0))
        _ = try machine.acknowledge(by: "a", at: at(1))
        #expect(throws: AlertTransitionError.alreadyAcknowledged) { try machine.acknowledge(by: "b", at: at(2)) }
    }

    @Test func eventsLikeFallsLatchAndRepeatNotifies() throws {
        var machine = AlertStateMachine(cause: .fall(deviceID: "acc-1"))
        let evidence = AlertEvidence(summary: "Fall detected", priority: .high, vital: .fallEvent, since: at(0))
        #expect(machine.occurred(priority: .high, evidence: evidence, at: at(0)).isRaise)
        #expect(machine.alert?.condition == .absent, "an event is over once it happened")
        _ = try machine.acknowledge(by: "nurse-ana", at: at(30))
        let second = machine.occurred(priority: .high, evidence: evidence, at: at(300))
        #expect(second == .notify(machine.alert!, .reoccurred, tier: 0))
        #expect(machine.alert?.status == .unacknowledged)
        let closed = try machine.resolve(by: "nurse-ana", note: "visited; patient unhurt", at: at(900))
        #expect(closed.alert?.status == .resolved)
    }

    @Test func aMachineRestoredFromStorageContinuesTheOpenAlert() throws {
        var first = Self.machine()
        _ = first.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(0))
        var restored = AlertStateMachine(cause: Self.cause, openAlert: first.alert)
        #expect(restored.tick(now: at(120)) == .notify(restored.alert!, .escalated(tier: 1), tier: 1))
        let closed = first.alert.map { alert -> Alert in var copy = alert; copy.status = .resolved; return copy }
        #expect(AlertStateMachine(cause: Self.cause, openAlert: closed).alert == nil, "a resolved alert is not reopened")
    }

    @Test func lowerBandEvidenceNeverReplacesTheEvidenceThatRaisedTheAlert() {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high, worst: 84), at: at(0))
        let medium = AlertEvidence(ruleID: "spo2-low", summary: "SpO2 below 92 % for 2 min", priority: .medium, since: at(0))
        _ = machine.conditionChanged(to: .present(.medium), evidence: medium, at: at(100))
        #expect(machine.alert?.evidence.priority == .high)
        #expect(machine.alert?.evidence.worstValue == 84)
        #expect(machine.alert?.priority == .high)
    }

    @Test func aWorseningConditionUpdatesTheEvidenceWithoutRenotifying() {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high, worst: 88), at: at(0))
        let worse = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high, worst: 80), at: at(30))
        #expect(worse == .update(machine.alert!, .conditionPresent(.high)))
        #expect(machine.alert?.evidence.worstValue == 80)
    }

    @Test func aConditionReturningToAnAcknowledgedSnoozedLatchedAlertIsAnnouncedAgain() throws {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(0))
        _ = try machine.acknowledge(by: "nurse-ana", at: at(30))
        _ = machine.conditionChanged(to: .absent, evidence: nil, at: at(200))
        _ = try machine.snooze(by: "nurse-ana", until: at(700), at: at(210))
        let back = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(400))
        #expect(back == .notify(machine.alert!, .conditionReturned(.high), tier: 0))
        #expect(machine.alert?.snoozedUntil == nil, "the snooze covered the cleared episode, not the new one")
        #expect(machine.alert?.status == .unacknowledged)
        #expect(machine.nextDeadline == at(520))
    }

    @Test func dataComingBackWithTheConditionStillPresentIsNotANewCondition() {
        var machine = Self.machine()
        _ = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(0))
        _ = machine.conditionChanged(to: .indeterminate, evidence: nil, at: at(700))
        let back = machine.conditionChanged(to: .present(.high), evidence: Self.evidence(.high), at: at(800))
        #expect(back == .update(machine.alert!, .conditionPresent(.high)))
    }
}
