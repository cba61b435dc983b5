import APITestSupport
import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import HummingbirdWSTesting
import HummingbirdWebSocket
import Testing

/// Chat: who takes part, messages and their pages, read receipts and unread counts, edits and deletions kept for the
/// audit trail, conversations opened from alerts, and live delivery.
@Suite("Chat", .timeLimit(.minutes(1)))
struct ChatTests {
    static func open(_ client: APIClient, _ token: String, _ body: String) async throws -> APIResponse {
        try await client.call(.post, "/api/v1/conversations", token: token, body: body)
    }

    static func post(_ client: APIClient, _ token: String, conversation: Int64, _ text: String) async throws -> APIResponse {
        try await client.call(.post, "/api/v1/conversations/\(conversation)/messages", token: token, body: #"{"body": "\#(text)"}"#)
    }

    @Test func aPatientAndTheirCaregiverTalkWithReceiptsAndUnreadCounts() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let patient = try await client.login("patient").access
            let nurse = try await client.login("caregiverA").access
            let opened = try await Self.open(client, patient, #"{"kind": "patient", "patientId": \#(fixture.teamPatient), "title": "My breathing"}"#)
            #expect(opened.status == 201)
            let id = try #require(opened["id"] as? Int64)
            let question = try await Self.post(client, patient, conversation: id, "Is 91 % all right at night?")
            #expect(question.status == 201 && question["senderName"] as? String == "patient")
            let questionID = try #require(question["id"] as? Int64)

            let list = try await client.call(.get, "/api/v1/conversations", token: nurse)
            #expect(list.items.count == 1 && list.items.first?["unread"] as? Int == 1, "\(list.status) \(String(describing: list.json))")
            #expect(try await client.call(.get, "/api/v1/conversations", token: patient).items.first?["unread"] as? Int == 0, "one's own messages are read")
            let read = try await client.call(.post, "/api/v1/conversations/\(id)/read", token: nurse, body: #"{"messageId": \#(questionID)}"#)
            let receipts = try #require(read["readReceipts"] as? [[String: Any]])
            #expect(receipts.contains { $0["accountId"] as? Int64 == fixture.accounts["caregiverA"] && $0["lastReadMessageId"] as? Int64 == questionID })
            #expect((read["conversation"] as? [String: Any])?["unread"] as? Int == 0)

            _ = try await Self.post(client, nurse, conversation: id, "Yes, on your scale 2 target. Call if below 88.")
            _ = try await Self.post(client, nurse, conversation: id, "I will ring tomorrow.")
            #expect(try await client.call(.get, "/api/v1/conversations", token: patient).items.first?["unread"] as? Int == 2)
            // Newest first, two per page.
            let first = try await client.call(.get, "/api/v1/conversations/\(id)/messages?limit=2", token: patient)
            #expect(first.items.compactMap { $0["body"] as? String } == ["I will ring tomorrow.", "Yes, on your scale 2 target. Call if below 88."])
            let cursor = try #require(first["nextCursor"] as? String)
            let second = try await client.call(.get, "/api/v1/conversations/\(id)/messages?limit=2&cursor=\(cursor)", token: patient)
            #expect(second.items.compactMap { $0["id"] as? Int64 } == [questionID] && second["nextCursor"] == nil)
            // A receipt never moves back.
            _ = try await client.call(.post, "/api/v1/conversations/\(id)/read", token: nurse, body: #"{"messageId": \#(questionID)}"#)
            let detail = try await client.call(.get, "/api/v1/conversations/\(id)", token: nurse)
            let nurseReceipt = (detail["readReceipts"] as? [[String: Any]])?.first { $0["accountId"] as? Int64 == fixture.accounts["caregiverA"] }
            #expect((nurseReceipt?["lastReadMessageId"] as? Int64 ?? 0) > questionID)
        }
    }

    @Test func onlyParticipantsReadOrPost() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let patient = try await client.login("patient").access
            let id = try #require(try await Self.open(client, patient, #"{"kind": "patient", "patientId": \#(fixture.teamPatient), "title": "Hello"}"#)["id"] as? Int64)
            _ = try await Self.post(client, patient, conversation: id, "hello")
            for name in ["caregiverB", "technician", "admin"] {
                let token = try await client.login(name).access
                #expect(try await client.call(.get, "/api/v1/conversations/\(id)", token: token).status == 404, "\(name)")
                #expect(try await client.call(.get, "/api/v1/conversations/\(id)/messages", token: token).status == 404, "\(name)")
                #expect(try await Self.post(client, token, conversation: id, "hi").status == 404, "\(name)")
                #expect(try await client.call(.get, "/api/v1/conversations", token: token).items.isEmpty, "\(name)")
            }
            // A patient is not in the care team's own conversations, and cannot open one; another team cannot open theirs.
            #expect(try await Self.open(client, patient, #"{"kind": "care-team", "patientId": \#(fixture.teamPatient), "title": "x"}"#).status == 403)
            let other = try await client.login("caregiverB").access
            #expect(try await Self.open(client, other, #"{"kind": "patient", "patientId": \#(fixture.teamPatient), "title": "x"}"#).status == 404)
            #expect(try await Self.open(client, patient, #"{"kind": "device", "patientId": 1, "title": "x"}"#).errorField == "deviceId")
            // Leaving the care team ends a caregiver's part in it.
            let nurse = try await client.login("caregiverA").access
            #expect(try await client.call(.get, "/api/v1/conversations/\(id)/messages", token: nurse).status == 200)
            let admin = try await client.login("admin").access
            _ = try await client.call(.delete, "/api/v1/patients/\(fixture.teamPatient)/care-team/\(fixture.accounts["caregiverA"]!)", token: admin)
            #expect(try await client.call(.get, "/api/v1/conversations/\(id)/messages", token: nurse).status == 404)
        }
    }

    @Test func editsAndDeletionsKeepTheEarlierTextForTheAuditTrail() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let patient = try await client.login("patient").access
            let nurse = try await client.login("caregiverA").access
            let id = try #require(try await Self.open(client, nurse, #"{"kind": "patient", "patientId": \#(fixture.teamPatient), "title": "Doses"}"#)["id"] as? Int64)
            let message = try #require(try await Self.post(client, nurse, conversation: id, "Take 2 tablets")["id"] as? Int64)
            let path = "/api/v1/conversations/\(id)/messages/\(message)"
            #expect(try await client.call(.patch, path, token: patient, body: #"{"body": "Take 20 tablets"}"#).status == 403)
            let edited = try await client.call(.patch, path, token: nurse, body: #"{"body": "Take 1 tablet"}"#)
            #expect(edited["body"] as? String == "Take 1 tablet" && edited["editedAt"] as? String != nil)
            let deleted = try await client.call(.delete, path, token: nurse)
            #expect(deleted["body"] as? String == "" && deleted["deletedAt"] as? String != nil)
            #expect(try await client.call(.patch, path, token: nurse, body: #"{"body": "again"}"#).status == 409)
            // The participants see it deleted; the audit trail keeps both earlier texts.
            #expect(try await client.call(.get, "/api/v1/conversations/\(id)/messages", token: patient).items.first?["body"] as? String == "")
            #expect(try await client.call(.get, "\(path)/revisions", token: nurse).status == 403)
            let admin = try await client.login("admin").access
            let revisions = try await client.call(.get, "\(path)/revisions", token: admin)
            #expect(revisions.items.compactMap { $0["previousBody"] as? String } == ["Take 2 tablets", "Take 1 tablet"])
            #expect(revisions.items.compactMap { $0["action"] as? String } == ["edit", "delete"])
        }
        // Not even the database lets the trail be rewritten.
        await #expect(throws: (any Error).self) {
            try await fixture.database.writer.write { try $0.execute(sql: "UPDATE messageRevision SET previousBody = 'x'") }
        }
    }

    @Test func anAlertIsDiscussedInOneConversationLinkedToIt() async throws {
        let fixture = try await Fixture.make()
        let alerts = try await fixture.raiseAlerts()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let opened = try await client.call(.post, "/api/v1/alerts/\(alerts.team)/conversation", token: nurse)
            #expect(opened.status == 201 && opened["kind"] as? String == "care-team" && opened["alertId"] as? Int64 == alerts.team)
            let again = try await client.call(.post, "/api/v1/alerts/\(alerts.team)/conversation", token: nurse)
            #expect(again.status == 200 && again["id"] as? Int64 == opened["id"] as? Int64)
            // The patient is not in the team's discussion of their alert; another team cannot see the alert at all.
            let patient = try await client.login("patient").access
            #expect(try await client.call(.get, "/api/v1/conversations/\(opened["id"] as? Int64 ?? 0)", token: patient).status == 404)
            #expect(try await client.call(.post, "/api/v1/alerts/\(alerts.team)/conversation", token: try await client.login("caregiverB").access).status == 404)
            // A device's alert is discussed with the technicians.
            let device = try await client.call(.post, "/api/v1/alerts/\(alerts.device)/conversation", token: nurse)
            #expect(device.status == 201 && device["kind"] as? String == "device" && device["deviceId"] as? String == "therm-team", "\(device.status) \(String(describing: device.json))")
            let technician = try await client.login("technician").access
            let deviceID = try #require(device["id"] as? Int64)
            #expect(try await Self.post(client, technician, conversation: deviceID, "Battery swapped on Tuesday").status == 201)
            #expect(try await client.call(.get, "/api/v1/conversations", token: nurse).items.first { $0["id"] as? Int64 == deviceID }?["unread"] as? Int == 1)
        }
    }

    @Test func aMessageTypedByThePatientReachesTheCaregiversLiveSocket() async throws {
        let fixture = try await Fixture.make()
        try await fixture.runLive { client in
            let patient = try await client.login("patient").access
            let nurse = try await client.login("caregiverA").access
            let other = try await client.login("caregiverB").access
            let id = try #require(try await Self.open(client, patient, #"{"kind": "patient", "patientId": \#(fixture.teamPatient), "title": "Evening"}"#)["id"] as? Int64)
            let otherID = try #require(try await Self.open(client, other, #"{"kind": "patient", "patientId": \#(fixture.otherPatient), "title": "B's"}"#)["id"] as? Int64)
            let ready = Raised()
            let received = Box<[String]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                        var socket = LiveSocket(inbound, outbound)
                        try await socket.hello(token: nurse)
                        _ = try await socket.until("ready")
                        await ready.arrive()
                        // The other team's message, posted first, never arrives; the patient's does.
                        let message = try #require(try await socket.until("message").last?["message"] as? [String: Any])
                        received.value = ["\(message["conversationId"] as? Int64 ?? 0)", message["body"] as? String ?? ""]
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                }
                await ready.waitForArrivals(1)
                _ = try await Self.post(client, other, conversation: otherID, "for team B only")
                _ = try await Self.post(client, patient, conversation: id, "Feeling better tonight")
                try await group.waitForAll()
            }
            #expect(received.value == ["\(id)", "Feeling better tonight"])
        }
    }
}
