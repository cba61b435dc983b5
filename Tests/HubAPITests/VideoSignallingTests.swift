import APITestSupport
import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import HummingbirdWSTesting
import HummingbirdWebSocket
import Testing

/// A video consultation's signalling socket on the real server: offers, answers and ICE relayed between the patient
/// and their caregiver only, while the room is open.
@Suite("Video signalling", .timeLimit(.minutes(1)))
struct VideoSignallingTests {
    /// A video consultation of the team patient with caregiverA on Wednesday 20 January 2027 at 09:00 UTC, and its room.
    static func consultation(_ fixture: Fixture) async throws -> String {
        try await fixture.run { client in
            let nurse = try await AppointmentsAPITests.hours(fixture, client)
            let booked = try await AppointmentsAPITests.book(client, nurse, patient: fixture.teamPatient, staff: fixture.accounts["caregiverA"]!,
                                                             type: "video-consultation", start: "2027-01-20T09:00:00Z")
            return try #require(booked["videoRoom"] as? String)
        }
    }

    /// What a socket to `room` says to `token` before it closes, when it refuses.
    static func refusal(_ client: APIClient, room: String, token: String) async throws -> (type: String?, reason: String?) {
        let said = Box<(type: String?, reason: String?)>((nil, nil))
        try await client.client.ws("/api/v1/video/\(room)") { inbound, outbound, _ in
            var socket = LiveSocket(inbound, outbound)
            try await socket.hello(token: token)
            let message = try await socket.next()
            said.value = (message?["type"] as? String, message?["reason"] as? String)
            #expect(try await socket.next() == nil, "the socket stays open after refusing")
        }
        return said.value
    }

    @Test func offersAnswersAndCandidatesReachTheOtherParticipant() async throws {
        let fixture = try await Fixture.make()
        let room = try await Self.consultation(fixture)
        fixture.clock.advance(.seconds(5 * 86_400 + 45 * 60))  // Wednesday 08:45, fifteen minutes before
        try await fixture.runLive { client in
            let nurse = try await client.login("caregiverA").access
            let patient = try await client.login("patient").access
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await client.client.ws("/api/v1/video/\(room)") { inbound, outbound, _ in
                        var socket = LiveSocket(inbound, outbound)
                        try await socket.hello(token: nurse)
                        let ready = try #require(try await socket.until("ready").last)
                        #expect(ready["role"] as? String == "staff")
                        if ready["peerPresent"] as? Bool != true { _ = try await socket.until("peer-joined") }
                        try await outbound.write(.text(#"{"type": "offer", "sdp": "v=0 offer"}"#))
                        let answer = try #require(try await socket.until("answer").last)
                        #expect(answer["from"] as? String == "patient" && answer["sdp"] as? String == "v=0 answer")
                        try await outbound.write(.text(#"{"type": "ice", "candidate": {"candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host", "sdpMid": "0"}}"#))
                        // Not signalling: answered, not relayed.
                        try await outbound.write(.text(#"{"type": "chat", "text": "hello"}"#))
                        #expect(try await socket.until("error").last?["message"] as? String != nil)
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                }
                group.addTask {
                    try await client.client.ws("/api/v1/video/\(room)") { inbound, outbound, _ in
                        var socket = LiveSocket(inbound, outbound)
                        try await socket.hello(token: patient)
                        let ready = try #require(try await socket.until("ready").last)
                        #expect(ready["role"] as? String == "patient")
                        if ready["peerPresent"] as? Bool != true { _ = try await socket.until("peer-joined") }
                        let offer = try #require(try await socket.until("offer").last)
                        #expect(offer["from"] as? String == "staff" && offer["sdp"] as? String == "v=0 offer")
                        try await outbound.write(.text(#"{"type": "answer", "sdp": "v=0 answer"}"#))
                        let ice = try #require(try await socket.until("ice").last)
                        #expect((ice["candidate"] as? [String: Any])?["sdpMid"] as? String == "0")
                        // The chat message the nurse sent never arrives; the nurse leaving does.
                        let rest = try await socket.until("peer-left")
                        #expect(!rest.contains { $0["type"] as? String == "chat" })
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test func onlyTheTwoParticipantsGetInAndOnlyWhileTheRoomIsOpen() async throws {
        let fixture = try await Fixture.make()
        let room = try await Self.consultation(fixture)
        try await fixture.runLive { client in
            // Friday, five days early: closed even to the patient.
            let early = try await Self.refusal(client, room: room, token: try await client.login("patient").access)
            #expect(early.reason == "the room is open from 30 minutes before the consultation to an hour after its end")
        }
        fixture.clock.advance(.seconds(5 * 86_400 + 45 * 60))
        try await fixture.runLive { client in
            for name in ["caregiverB", "admin", "technician"] {
                let said = try await Self.refusal(client, room: room, token: try await client.login(name).access)
                #expect(said.reason == "there is no such room, or it is not yours", "\(name) got \(String(describing: said))")
            }
            let unknown = try await Self.refusal(client, room: "0123456789abcdef0123456789abcdef", token: try await client.login("patient").access)
            #expect(unknown.reason == "there is no such room, or it is not yours")
            let forged = try await Self.refusal(client, room: room, token: "not-a-token")
            #expect(forged.reason == "the access token is invalid or its session has ended; sign in again")
        }
    }

    @Test func aCancelledConsultationsRoomIsClosed() async throws {
        let fixture = try await Fixture.make()
        let room = try await Self.consultation(fixture)
        let appointment = try #require(try await fixture.database.appointment(room: room))
        _ = try await fixture.database.changeAppointment(id: appointment.id, .cancel, actorID: fixture.accounts["caregiverA"]!, reason: "unwell",
                                                         at: fixture.clock.now())
        fixture.clock.advance(.seconds(5 * 86_400 + 45 * 60))
        try await fixture.runLive { client in
            let said = try await Self.refusal(client, room: room, token: try await client.login("patient").access)
            #expect(said.reason == "the consultation is cancelled")
        }
    }

    @Test func aJoinedParticipantIsDisconnectedWhenTheConsultationIsCancelledOrTheyLeaveTheTeam() async throws {
        let fixture = try await Fixture.make()
        let room = try await Self.consultation(fixture)
        let appointment = try #require(try await fixture.database.appointment(room: room))
        fixture.clock.advance(.seconds(5 * 86_400 + 45 * 60))
        try await fixture.runLive { client in
            let patient = try await client.login("patient").access
            let nurse = try await client.login("caregiverA").access
            for (token, end) in [(nurse, "team"), (patient, "cancel")] {
                let closing = Box<String?>(nil)
                try await client.client.ws("/api/v1/video/\(room)") { inbound, outbound, _ in
                    var socket = LiveSocket(inbound, outbound)
                    try await socket.hello(token: token)
                    _ = try await socket.until("ready")
                    if end == "team" {
                        try await fixture.database.setCareTeamMember(patientID: fixture.teamPatient, caregiverID: fixture.accounts["caregiverA"]!, member: false,
                                                                     at: fixture.clock.now())
                    } else {
                        _ = try await fixture.database.changeAppointment(id: appointment.id, .cancel, actorID: fixture.accounts["patient"]!, reason: "better",
                                                                         at: fixture.clock.now())
                    }
                    closing.value = try await socket.until("closing").last?["reason"] as? String
                }
                #expect(closing.value == (end == "team" ? "the room is no longer yours" : "the consultation is cancelled"))
            }
        }
    }
}
