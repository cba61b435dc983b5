import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import Logging
import Testing
import Vitals

/// Alerts through the API: what each caller sees, the evidence, and people's actions reaching the live alerting.
@Suite("Alerts")
struct AlertsAPITests {
    @Test func aCaregiverSeesTheirPatientsAlertsWithTheReadingsBehindThem() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let list = try await client.call(.get, "/api/v1/alerts", token: nurse)
            #expect(Set(list.items.compactMap { $0["id"] as? Int64 }) == [alerts.team, alerts.device])
            let technician = try await client.login("technician").access
            let technical = try await client.call(.get, "/api/v1/alerts", token: technician)
            #expect(technical.items.compactMap { $0["id"] as? Int64 } == [alerts.device])

            let detail = try await client.call(.get, "/api/v1/alerts/\(alerts.team)", token: nurse)
            let alert = try #require(detail["alert"] as? [String: Any])
            #expect(alert["priority"] as? String == "high")
            #expect((alert["cause"] as? [String: Any])?["ruleId"] as? String == "spo2-low")
            let evidence = try #require(detail["evidence"] as? [String: Any])
            let readings = try #require(evidence["readings"] as? [[String: Any]])
            #expect(!readings.isEmpty)
            #expect(readings.allSatisfy { $0["deviceId"] as? String == "ox-team" && $0["value"] as? Double == 84 && $0["unit"] as? String == "%" })
            #expect((evidence["readingCount"] as? Int ?? 0) >= 60)
            let history = try #require(detail["history"] as? [[String: Any]])
            #expect((history.first?["event"] as? [String: Any])?["raised"] != nil)
        }
    }

    @Test func caregiverACannotSeeOrTouchCaregiverBsAlert() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/api/v1/alerts/\(alerts.other)", nil),
                (.post, "/api/v1/alerts/\(alerts.other)/acknowledge", nil),
                (.post, "/api/v1/alerts/\(alerts.other)/resolve", #"{"note": "x"}"#),
                (.post, "/api/v1/alerts/\(alerts.other)/snooze", #"{"until": "2027-01-15T08:05:00Z"}"#),
                (.put, "/api/v1/alerts/\(alerts.other)/assignee", #"{"accountId": null}"#),
            ] as [(HTTPRequest.Method, String, String?)] {
                let response = try await client.call(method, path, token: nurse, body: body)
                #expect(response.status == 404, "\(method) \(path) answered \(response.status)")
            }
            let filtered = try await client.call(.get, "/api/v1/alerts?patientId=\(fixture.otherPatient)", token: nurse)
            #expect(filtered.items.isEmpty)
            let untouched = try #require(try await fixture.database.alert(id: alerts.other, in: .all))
            #expect(untouched.alert.status == .unacknowledged)
            #expect(untouched.alert.snoozedUntil == nil)
            // A technician sees device alerts only.
            let technician = try await client.login("technician").access
            #expect(try await client.call(.get, "/api/v1/alerts/\(alerts.team)", token: technician).status == 404)
            #expect(try await client.call(.get, "/api/v1/alerts", token: try await client.login("patient").access).status == 403)
        }
    }

    @Test func acknowledgingStopsTheEscalationThatWouldOtherwiseCome() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let acknowledged = try await client.call(.post, "/api/v1/alerts/\(alerts.team)/acknowledge", token: nurse)
            #expect(acknowledged.status == 200)
            #expect(acknowledged["status"] as? String == "acknowledged")
            #expect(acknowledged["acknowledgedBy"] as? String == "caregiverA")
            #expect(acknowledged["nextEscalationAt"] == nil)
            let again = try await client.call(.post, "/api/v1/alerts/\(alerts.team)/acknowledge", token: nurse)
            #expect(again.status == 409)
            let detail = try await client.call(.get, "/api/v1/alerts/\(alerts.team)", token: nurse)
            let history = try #require(detail["history"] as? [[String: Any]])
            let event = try #require(history.last)
            #expect((event["event"] as? [String: Any])?["acknowledged"] != nil)
            #expect(event["actorId"] as? Int64 == fixture.accounts["caregiverA"])
        }
        // An hour on, only the alert nobody acknowledged escalates.
        let later = fixture.clock.now().addingTimeInterval(3600)
        let escalated = fixture.alerting.book.tick(now: later, staleAfter: .seconds(600)).actions.filter {
            if case .notify(_, .escalated, _) = $0.action { true } else { false }
        }
        #expect(escalated.map(\.patientID) == [fixture.otherPatient])
    }

    @Test func resolvingClosesTheAlertInTheLiveBookToo() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let resolved = try await client.call(.post, "/api/v1/alerts/\(alerts.team)/resolve", token: nurse, body: #"{"note": "Probe re-seated; SpO2 97 %"}"#)
            #expect(resolved.status == 200)
            #expect(resolved["status"] as? String == "resolved")
            #expect((resolved["resolution"] as? [String: Any])?["note"] as? String == "Probe re-seated; SpO2 97 %")
            #expect(try await client.call(.post, "/api/v1/alerts/\(alerts.team)/acknowledge", token: nurse).status == 409)
            let open = try await client.call(.get, "/api/v1/alerts?state=open", token: nurse)
            #expect(open.items.compactMap { $0["id"] as? Int64 } == [alerts.device])
        }
        #expect(fixture.alerting.book.tick(now: fixture.clock.now().addingTimeInterval(3600), staleAfter: .seconds(600))
            .actions.allSatisfy { $0.patientID != fixture.teamPatient })
    }

    @Test func aSnoozeMustEndInTheFutureAndWithinThePolicysLimit() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            // High priority: at most 10 minutes. The fixture's clock reads 2027-01-15T08:00:00Z.
            for until in ["2027-01-15T08:30:00Z", "2027-01-15T07:59:00Z"] {
                let refused = try await client.call(.post, "/api/v1/alerts/\(alerts.team)/snooze", token: nurse, body: #"{"until": "\#(until)"}"#)
                #expect(refused.status == 422)
                #expect(refused.errorField == "until")
            }
            let malformed = try await client.call(.post, "/api/v1/alerts/\(alerts.team)/snooze", token: nurse, body: #"{"until": "tomorrow"}"#)
            #expect(malformed.status == 422)
            #expect(malformed.errorField == "until")
            let snoozed = try await client.call(.post, "/api/v1/alerts/\(alerts.team)/snooze", token: nurse, body: #"{"until": "2027-01-15T08:10:00Z"}"#)
            #expect(snoozed.status == 200)
            #expect(snoozed["snoozedUntil"] as? String == "2027-01-15T08:10:00Z")
        }
    }

    @Test func theHistoryNamesEachEventWithPlainFieldsPrioritiesInWordsAndTimesInISO8601() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            #expect(try await client.call(.post, "/api/v1/alerts/\(alerts.team)/snooze", token: nurse, body: #"{"until": "2027-01-15T08:10:00Z"}"#).status == 200)
            #expect(try await client.call(.post, "/api/v1/alerts/\(alerts.team)/acknowledge", token: nurse).status == 200)
            let detail = try await client.call(.get, "/api/v1/alerts/\(alerts.team)", token: nurse)
            let events = try #require(detail["history"] as? [[String: Any]]).compactMap { $0["event"] as? [String: [String: Any]] }
            #expect(events.first?["raised"]?["priority"] as? String == "high")
            let snoozed = try #require(events.compactMap { $0["snoozed"] }.first)
            #expect(snoozed["until"] as? String == "2027-01-15T08:10:00Z" && snoozed["by"] as? String == "caregiverA")
            #expect(events.compactMap { $0["acknowledged"]?["by"] as? String } == ["caregiverA"])
            // Nothing of the stored form: no positional keys, no numeric priorities.
            let text = String(decoding: try JSONSerialization.data(withJSONObject: events), as: UTF8.self)
            #expect(!text.contains("_0") && !text.contains("\"priority\":3"), "\(text)")
        }
    }

    @Test func anAlertIsAssignedOnlyToSomeoneWhoMayTakeIt() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let caregiverA = try #require(fixture.accounts["caregiverA"])
            for refused in [fixture.accounts["caregiverB"], fixture.accounts["technician"], 9999] {
                let response = try await client.call(.put, "/api/v1/alerts/\(alerts.team)/assignee", token: nurse, body: #"{"accountId": \#(refused ?? 0)}"#)
                #expect(response.status == 422)
                #expect(response.errorField == "accountId")
            }
            let assigned = try await client.call(.put, "/api/v1/alerts/\(alerts.team)/assignee", token: nurse, body: #"{"accountId": \#(caregiverA)}"#)
            #expect(assigned.status == 200)
            #expect((assigned["assignee"] as? [String: Any])?["id"] as? Int64 == caregiverA)
            let mine = try await client.call(.get, "/api/v1/alerts?assigneeId=\(caregiverA)", token: nurse)
            #expect(mine.items.compactMap { $0["id"] as? Int64 } == [alerts.team])
            // A device alert may go to a technician.
            let technician = try #require(fixture.accounts["technician"])
            let device = try await client.call(.put, "/api/v1/alerts/\(alerts.device)/assignee", token: nurse, body: #"{"accountId": \#(technician)}"#)
            #expect(device.status == 200)
            #expect(try await client.call(.put, "/api/v1/alerts/\(alerts.team)/assignee", token: nurse, body: "{}").errorField == "accountId")
        }
    }

    @Test func listsFilterByPriorityStateAndCategoryAndRefuseUnknownValues() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        try await fixture.run { client in
            let admin = try await client.login("admin").access
            func ids(_ query: String) async throws -> Set<Int64> {
                Set(try await client.call(.get, "/api/v1/alerts?\(query)", token: admin).items.compactMap { $0["id"] as? Int64 })
            }
            #expect(try await ids("priority=high") == [alerts.team, alerts.other])
            #expect(try await ids("category=technical") == [alerts.device])
            #expect(try await ids("patientId=\(fixture.teamPatient)&category=physiological") == [alerts.team])
            #expect(try await ids("state=acknowledged").isEmpty)
            #expect(try await ids("from=2027-01-15T09:00:00Z").isEmpty)
            for (query, field) in [("priority=urgent", "priority"), ("state=closed", "state"), ("from=yesterday", "from"), ("patientId=x", "patientId")] {
                #expect(try await client.call(.get, "/api/v1/alerts?\(query)", token: admin).errorField == field)
            }
        }
    }

    @Test func patientRulesAreValidatedFieldByFieldAndPersist() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let path = "/api/v1/patients/\(fixture.teamPatient)/rules"
            let bad = try await client.call(.put, path, token: nurse,
                                            body: #"{"overrides": [{"id": "spo2-low", "bands": [{"priority": "high", "limit": 150, "sustainSeconds": 60}]}]}"#)
            #expect(bad.status == 422)
            #expect(bad.errorField?.hasSuffix(".limit") == true, "field \(bad.errorField ?? "nil")")
            let typo = try await client.call(.put, path, token: nurse, body: #"{"overrides": [{"id": "spo2-low", "bands": "high"}]}"#)
            #expect(typo.status == 422)
            #expect(typo.errorField?.contains("bands") == true, "field \(typo.errorField ?? "nil")")
            #expect(fixture.alerting.rules.rules(for: fixture.teamPatient) == fixture.alerting.rules.defaults)

            let good = try await client.call(.put, path, token: nurse,
                                             body: #"{"overrides": [{"id": "spo2-low", "bands": [{"priority": "high", "limit": 86, "sustainSeconds": 60}]}]}"#)
            #expect(good.status == 200)
            let rules = try #require((good["rules"] as? [String: Any])?["rules"] as? [[String: Any]])
            let spo2 = try #require(rules.first { $0["id"] as? String == "spo2-low" })
            #expect((spo2["bands"] as? [[String: Any]])?.first?["limit"] as? Double == 86)
            #expect(fixture.alerting.rules.rules(for: fixture.teamPatient)["spo2-low"]?.bands.first?.limit == 86)
            // Another patient keeps the defaults; a hub started again from the database has the override.
            #expect(fixture.alerting.rules.rules(for: fixture.otherPatient) == fixture.alerting.rules.defaults)
            let restarted = try await Alerting.load(database: fixture.database, logger: Logger(label: "test"), now: fixture.clock.now())
            #expect(restarted.rules.rules(for: fixture.teamPatient)["spo2-low"]?.bands.first?.limit == 86)
            #expect(try await client.call(.delete, path, token: nurse).status == 200)
            #expect(fixture.alerting.rules.rules(for: fixture.teamPatient) == fixture.alerting.rules.defaults)
        }
    }

    @Test func theEscalationPolicyRefusesToLetHighPriorityAlertsGoQuiet() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let admin = try await client.login("admin").access
            for (body, field) in [
                (#"{"latchingPriorities": ["high"], "escalationDelaySeconds": {"medium": 600}, "highestTier": 2, "longestSnoozeSeconds": {}}"#, "escalationDelaySeconds.high"),
                (#"{"latchingPriorities": [], "escalationDelaySeconds": {"high": 60}, "highestTier": 2, "longestSnoozeSeconds": {}}"#, "latchingPriorities"),
                (#"{"latchingPriorities": ["high"], "escalationDelaySeconds": {"high": 60, "urgent": 60}, "highestTier": 2, "longestSnoozeSeconds": {}}"#, "escalationDelaySeconds.urgent"),
                (#"{"latchingPriorities": ["high"], "escalationDelaySeconds": {"high": 60}, "highestTier": 9, "longestSnoozeSeconds": {}}"#, "highestTier"),
                (#"{"latchingPriorities": ["high"], "escalationDelaySeconds": {"high": 60}, "highestTier": 2, "longestSnoozeSeconds": {}}"#, "longestSnoozeSeconds.high"),
            ] {
                let refused = try await client.call(.put, "/api/v1/alert-policy", token: admin, body: body)
                #expect(refused.status == 422)
                #expect(refused.errorField == field)
            }
            let changed = try await client.call(.put, "/api/v1/alert-policy", token: admin, body: #"""
                {"latchingPriorities": ["high", "medium"], "escalationDelaySeconds": {"high": 60}, "highestTier": 1, "longestSnoozeSeconds": {"high": 300}}
                """#)
            #expect(changed.status == 200)
            #expect(fixture.alerting.book.currentPolicy.escalationDelay == [.high: .seconds(60)])
            let restarted = try await Alerting.load(database: fixture.database, logger: Logger(label: "test"), now: fixture.clock.now())
            #expect(restarted.book.currentPolicy.highestTier == 1)
            #expect(restarted.book.currentPolicy.latchingPriorities == [.high, .medium])
        }
    }
}
