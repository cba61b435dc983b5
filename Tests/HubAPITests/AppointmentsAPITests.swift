import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import Scheduling
import Testing

/// Availability, slots, booking (a race for one slot included), the lifecycle with its history, who sees what, and
/// the calendar feed as an independent iCalendar parser reads it. The fixture's clock starts on Friday 15 January
/// 2027, 08:00 UTC; the Monday after is 18 January.
@Suite("Appointments")
struct AppointmentsAPITests {
    static let nurseHours = #"""
        {"timeZone": "Europe/London", "bufferMinutes": 15,
         "weekly": [{"weekday": "monday", "start": "09:00", "end": "12:00", "location": "clinic"},
                    {"weekday": "monday", "start": "13:00", "end": "17:00", "location": "home"},
                    {"weekday": "wednesday", "start": "09:00", "end": "12:00", "location": "video"}],
         "overrides": [{"date": "2027-01-25", "hours": []}]}
        """#
    static let technicianHours = #"{"timeZone": "Europe/London", "weekly": [{"weekday": "monday", "start": "09:00", "end": "17:00", "location": "home"}]}"#

    static func book(_ client: APIClient, _ token: String, patient: Int64, staff: Int64, type: String, start: String, note: String? = nil) async throws -> APIResponse {
        let noteField = note.map { #", "note": "\#($0)""# } ?? ""
        return try await client.call(.post, "/api/v1/appointments", token: token,
                                     body: #"{"patientId": \#(patient), "staffId": \#(staff), "type": "\#(type)", "start": "\#(start)"\#(noteField)}"#)
    }

    /// Sets up the nurse's (caregiverA) and the technician's hours; the nurse's token.
    static func hours(_ fixture: Fixture, _ client: APIClient) async throws -> String {
        let nurse = try await client.login("caregiverA").access
        let technician = try await client.login("technician").access
        #expect(try await client.call(.put, "/api/v1/staff/\(fixture.accounts["caregiverA"]!)/availability", token: nurse, body: nurseHours).status == 200)
        #expect(try await client.call(.put, "/api/v1/staff/\(fixture.accounts["technician"]!)/availability", token: technician, body: technicianHours).status == 200)
        return nurse
    }

    @Test func hoursAreSetByTheirOwnerAndRefusedNamingTheFieldAtFault() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!
            let stored = try await client.call(.get, "/api/v1/staff/\(nurseID)/availability", token: nurse)
            let document = try #require(stored["availability"] as? [String: Any])
            #expect(document["timeZone"] as? String == "Europe/London")
            #expect((document["weekly"] as? [[String: Any]])?.count == 3)
            let bad = [
                (#"{"timeZone": "Mars/Olympus", "weekly": []}"#, "timeZone"),
                (#"{"timeZone": "Europe/London", "weekly": [{"weekday": "monday", "start": "12:00", "end": "09:00", "location": "clinic"}]}"#, "weekly.monday[0]"),
                (#"{"timeZone": "Europe/London", "weekly": [{"weekday": "monday", "start": "9am", "end": "12:00", "location": "clinic"}]}"#, "weekly[0].start"),
                (#"{"timeZone": "Europe/London", "weekly": [{"weekday": "monday", "start": "09:00", "end": "12:00", "location": "moon"}]}"#, "weekly.0.location"),
                (#"{"timeZone": "Europe/London", "weekly": [], "bufferMinutes": 500}"#, "bufferMinutes"),
            ]
            for (body, field) in bad {
                let response = try await client.call(.put, "/api/v1/staff/\(nurseID)/availability", token: nurse, body: body)
                #expect(response.status == 422 && response.errorField == field, "\(body): \(response.status) \(String(describing: response.json))")
            }
            let technician = try await client.login("technician").access
            #expect(try await client.call(.put, "/api/v1/staff/\(nurseID)/availability", token: technician, body: Self.nurseHours).status == 403)
            let patient = try await client.login("patient").access
            #expect(try await client.call(.get, "/api/v1/staff/\(nurseID)/availability", token: patient).status == 403)
            // A patient's account is not a staff member's: it has no hours to keep.
            let admin = try await client.login("admin").access
            #expect(try await client.call(.put, "/api/v1/staff/\(fixture.accounts["patient"]!)/availability", token: admin, body: Self.nurseHours).status == 404)
        }
    }

    @Test func aPatientSeesTheirCareTeamsSlotsInTheirHoursLessBookingsAndBuffers() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!
            let patient = try await client.login("patient").access
            let range = "from=2027-01-18T00:00:00Z&to=2027-01-19T00:00:00Z"
            let slots = try await client.call(.get, "/api/v1/staff/\(nurseID)/slots?type=clinic-visit&\(range)", token: patient)
            #expect(slots.status == 200)
            #expect(slots["minutes"] as? Int == 30 && slots["timeZone"] as? String == "Europe/London")
            let starts = slots.items.compactMap { $0["start"] as? String }
            #expect(starts.first == "2027-01-18T09:00:00Z" && starts.last == "2027-01-18T11:30:00Z" && starts.count == 11)
            // The nurse books 10:00; with the 15-minute buffer 09:30 to 10:30 are gone, 09:15 and 10:45 remain.
            #expect(try await Self.book(client, nurse, patient: fixture.teamPatient, staff: nurseID, type: "clinic-visit", start: "2027-01-18T10:00:00Z").status == 201)
            let after = try await client.call(.get, "/api/v1/staff/\(nurseID)/slots?type=clinic-visit&\(range)", token: patient).items.compactMap { $0["start"] as? String }
            #expect(after.contains("2027-01-18T09:15:00Z") && after.contains("2027-01-18T10:45:00Z"))
            #expect(!after.contains("2027-01-18T09:30:00Z") && !after.contains("2027-01-18T10:00:00Z") && !after.contains("2027-01-18T10:30:00Z"))
            // The day off on the 25th offers nothing; another caregiver's slots are not the patient's to see.
            let dayOff = try await client.call(.get, "/api/v1/staff/\(nurseID)/slots?type=clinic-visit&from=2027-01-25T00:00:00Z&to=2027-01-26T00:00:00Z", token: patient)
            #expect(dayOff.status == 200 && dayOff.items.isEmpty)
            #expect(try await client.call(.get, "/api/v1/staff/\(fixture.accounts["caregiverB"]!)/slots?type=clinic-visit", token: patient).status == 404)
            #expect(try await client.call(.get, "/api/v1/staff/\(nurseID)/slots?type=clinic-visit&from=2027-01-18T00:00:00Z&to=2027-03-18T00:00:00Z", token: patient).errorField == "to")
            let bookable = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)/bookable-staff", token: patient)
            #expect(Set(bookable.items.compactMap { $0["id"] as? Int64 }) == [nurseID, fixture.accounts["technician"]!])
        }
    }

    @Test func summerSlotsKeepTheirLocalTimeAfterTheClocksGoForward() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!
            // Monday 5 April 2027 is in British Summer Time: 09:00 in London is 08:00 UTC.
            let slots = try await client.call(.get, "/api/v1/staff/\(nurseID)/slots?type=clinic-visit&from=2027-04-05T00:00:00Z&to=2027-04-06T00:00:00Z", token: nurse)
            #expect(slots.items.first?["start"] as? String == "2027-04-05T08:00:00Z")
            #expect(try await Self.book(client, nurse, patient: fixture.teamPatient, staff: nurseID, type: "clinic-visit", start: "2027-04-05T09:00:00Z").status == 201)
            // 09:00 UTC in winter is not a summer slot boundary problem: it is simply 10:00 local, on the grid.
            let winterNine = try await Self.book(client, nurse, patient: fixture.teamPatient, staff: nurseID, type: "clinic-visit", start: "2027-04-05T11:00:00Z")
            #expect(winterNine.status == 422 && winterNine.errorField == "start", "11:00Z is 12:00 BST, after the clinic closes")
        }
    }

    @Test func concurrentBookingsOfOneSlotLeaveExactlyOneWinner() async throws {
        let fixture = try await Fixture.make()
        let nurseID = fixture.accounts["caregiverA"]!
        // Twelve patients on the nurse's care team, each booked by the nurse into the same slot at once.
        var patients: [Int64] = []
        for index in 0..<12 {
            let id = try await fixture.database.createPatient(displayName: "P\(index)", yearOfBirth: 1950, conditions: [], spo2Scale: 1, onOxygen: false,
                                                              at: fixture.clock.now()).id
            try await fixture.database.setCareTeamMember(patientID: id, caregiverID: nurseID, member: true, at: fixture.clock.now())
            patients.append(id)
        }
        let statuses = try await fixture.run { [patients] client in
            let nurse = try await Self.hours(fixture, client)
            return try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for patient in patients {
                    group.addTask {
                        let response = try await Self.book(client, nurse, patient: patient, staff: nurseID, type: "home-visit", start: "2027-01-18T14:00:00Z")
                        return (response.status, response.errorCode)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(statuses.filter { $0.0 == 201 }.count == 1)
        #expect(statuses.filter { $0.0 == 409 && $0.1 == "conflict" }.count == 11, "\(statuses)")
        let booked = try await fixture.database.appointments(in: .staff(nurseID), starting: Date.distantPast..<Date.distantFuture, statuses: nil, after: nil, limit: 50)
        #expect(booked.count == 1)
    }

    @Test func aVisitIsConfirmedStartedAndCompletedWithItsHistory() async throws {
        let fixture = try await Fixture.make()
        let nurseID = fixture.accounts["caregiverA"]!
        let id = try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let patient = try await client.login("patient").access
            let booked = try await Self.book(client, patient, patient: fixture.teamPatient, staff: nurseID, type: "home-visit", start: "2027-01-18T13:00:00Z",
                                             note: "knee dressing")
            #expect(booked.status == 201 && booked["status"] as? String == "scheduled" && booked["end"] as? String == "2027-01-18T13:45:00Z")
            let id = try #require(booked["id"] as? Int64)
            #expect(booked.headers[.location] == "/api/v1/appointments/\(id)")
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/confirm", token: patient)["status"] as? String == "confirmed")
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/confirm", token: nurse).status == 409)
            // Too early to start; and starting is the nurse's to record, not the patient's.
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/start", token: nurse).status == 409)
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/start", token: patient).status == 403)
            return id
        }
        fixture.clock.advance(.seconds(3 * 86_400 + 5 * 3600 - 600))  // Monday 12:50, ten minutes before
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/start", token: nurse)["status"] as? String == "started")
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/cancel", token: nurse, body: #"{"reason": "late"}"#).status == 409)
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/complete", token: nurse)["status"] as? String == "completed")
            let detail = try await client.call(.get, "/api/v1/appointments/\(id)", token: nurse)
            let history = try #require(detail["history"] as? [[String: Any]])
            #expect(history.compactMap { $0["action"] as? String } == ["booked", "confirm", "start", "complete"])
            #expect(history.compactMap { $0["actorId"] as? Int64 } == [fixture.accounts["patient"]!, fixture.accounts["patient"]!, nurseID, nurseID])
            #expect((detail["appointment"] as? [String: Any])?["note"] as? String == "knee dressing")
        }
    }

    @Test func reschedulingKeepsTheOldTimeInTheHistoryAndFreesIt() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!
            let id = try #require(try await Self.book(client, nurse, patient: fixture.teamPatient, staff: nurseID, type: "video-consultation",
                                                      start: "2027-01-20T09:00:00Z")["id"] as? Int64)
            _ = try await client.call(.post, "/api/v1/appointments/\(id)/confirm", token: nurse)
            let moved = try await client.call(.post, "/api/v1/appointments/\(id)/reschedule", token: nurse,
                                              body: #"{"start": "2027-01-20T10:00:00Z", "reason": "clinic overran"}"#)
            #expect(moved.status == 200 && moved["status"] as? String == "scheduled" && moved["revision"] as? Int == 1)
            #expect(moved["start"] as? String == "2027-01-20T10:00:00Z" && moved["videoRoom"] as? String != nil)
            let history = try #require(try await client.call(.get, "/api/v1/appointments/\(id)", token: nurse)["history"] as? [[String: Any]])
            #expect(history.compactMap { $0["start"] as? String } == ["2027-01-20T09:00:00Z", "2027-01-20T09:00:00Z", "2027-01-20T10:00:00Z"])
            #expect(history.last?["reason"] as? String == "clinic overran")
            let slots = try await client.call(.get, "/api/v1/staff/\(nurseID)/slots?type=video-consultation&from=2027-01-20T00:00:00Z&to=2027-01-21T00:00:00Z",
                                              token: nurse).items.compactMap { $0["start"] as? String }
            #expect(slots.contains("2027-01-20T09:00:00Z") && !slots.contains("2027-01-20T10:00:00Z"))
            // A cancellation needs its reason and frees the time too.
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/cancel", token: nurse, body: #"{"reason": " "}"#).errorField == "reason")
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/cancel", token: nurse, body: #"{"reason": "patient in hospital"}"#)["status"] as? String == "cancelled")
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/reschedule", token: nurse, body: #"{"start": "2027-01-20T11:00:00Z"}"#).status == 409)
        }
    }

    @Test func bookingsNeedTheRightPersonAndAFreePatient() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!, technicianID = fixture.accounts["technician"]!
            let patient = try await client.login("patient").access
            // A device check is with a technician; a clinic visit is not.
            let check = try await Self.book(client, patient, patient: fixture.teamPatient, staff: technicianID, type: "device-check", start: "2027-01-18T13:00:00Z")
            #expect(check.status == 201)
            #expect(try await Self.book(client, patient, patient: fixture.teamPatient, staff: technicianID, type: "clinic-visit", start: "2027-01-18T09:00:00Z").errorField == "staffId")
            // The patient is at home with the technician at 13:00: the nurse cannot visit then too.
            let clash = try await Self.book(client, nurse, patient: fixture.teamPatient, staff: nurseID, type: "home-visit", start: "2027-01-18T13:00:00Z")
            #expect(clash.status == 409)
            // Not the patient's own record, not a caregiver of theirs, not a time in the past or off the grid.
            #expect(try await Self.book(client, patient, patient: fixture.otherPatient, staff: nurseID, type: "clinic-visit", start: "2027-01-18T09:00:00Z").status == 404)
            #expect(try await Self.book(client, patient, patient: fixture.teamPatient, staff: fixture.accounts["caregiverB"]!, type: "clinic-visit",
                                        start: "2027-01-18T09:00:00Z").errorField == "staffId")
            #expect(try await Self.book(client, patient, patient: fixture.teamPatient, staff: nurseID, type: "clinic-visit", start: "2027-01-18T09:10:00Z").errorField == "start")
            #expect(try await Self.book(client, patient, patient: fixture.teamPatient, staff: nurseID, type: "clinic-visit", start: "2027-01-11T09:00:00Z").errorField == "start")
            let technician = try await client.login("technician").access
            #expect(try await Self.book(client, technician, patient: fixture.teamPatient, staff: technicianID, type: "device-check", start: "2027-01-18T15:00:00Z").status == 403)
            // The technician sees their device check, without the patient's name.
            let id = try #require(check["id"] as? Int64)
            let seen = try await client.call(.get, "/api/v1/appointments/\(id)", token: technician)
            #expect(seen.status == 200 && (seen["appointment"] as? [String: Any])?["patientName"] == nil)
        }
    }

    @Test func eachPersonListsOnlyTheAppointmentsTheyMaySee() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!
            let visit = try #require(try await Self.book(client, nurse, patient: fixture.teamPatient, staff: nurseID, type: "clinic-visit",
                                                         start: "2027-01-18T09:00:00Z")["id"] as? Int64)
            let otherNurse = try await client.login("caregiverB").access
            #expect(try await client.call(.get, "/api/v1/appointments/\(visit)", token: otherNurse).status == 404)
            #expect(try await client.call(.get, "/api/v1/appointments", token: otherNurse).items.isEmpty)
            #expect(try await client.call(.post, "/api/v1/appointments/\(visit)/cancel", token: otherNurse, body: #"{"reason": "x"}"#).status == 404)
            let patient = try await client.login("patient").access
            #expect(try await client.call(.get, "/api/v1/appointments", token: patient).items.compactMap { $0["id"] as? Int64 } == [visit])
            #expect(try await client.call(.get, "/api/v1/appointments?patientId=\(fixture.otherPatient)", token: patient).items.isEmpty)
            let technician = try await client.login("technician").access
            #expect(try await client.call(.get, "/api/v1/appointments", token: technician).items.isEmpty)
            let admin = try await client.login("admin").access
            #expect(try await client.call(.get, "/api/v1/appointments?status=scheduled", token: admin).items.count == 1)
            #expect(try await client.call(.get, "/api/v1/appointments?status=cancelled", token: admin).items.isEmpty)
            #expect(try await client.call(.get, "/api/v1/appointments?status=soon", token: admin).errorField == "status")
        }
    }

    @Test func listsPageInStartOrder() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!
            for start in ["2027-01-18T11:00:00Z", "2027-01-18T09:00:00Z", "2027-01-20T09:00:00Z"] {
                let type = start.hasPrefix("2027-01-20") ? "video-consultation" : "clinic-visit"
                let patient = start == "2027-01-18T09:00:00Z" ? fixture.teamPatient : try await fixture.database.createPatient(
                    displayName: "P", yearOfBirth: nil, conditions: [], spo2Scale: 1, onOxygen: false, at: fixture.clock.now()).id
                try await fixture.database.setCareTeamMember(patientID: patient, caregiverID: nurseID, member: true, at: fixture.clock.now())
                #expect(try await Self.book(client, nurse, patient: patient, staff: nurseID, type: type, start: start).status == 201)
            }
            let first = try await client.call(.get, "/api/v1/appointments?limit=2", token: nurse)
            #expect(first.items.compactMap { $0["start"] as? String } == ["2027-01-18T09:00:00Z", "2027-01-18T11:00:00Z"])
            let cursor = try #require(first["nextCursor"] as? String)
            let second = try await client.call(.get, "/api/v1/appointments?limit=2&cursor=\(cursor)", token: nurse)
            #expect(second.items.compactMap { $0["start"] as? String } == ["2027-01-20T09:00:00Z"] && second["nextCursor"] == nil)
        }
    }

    @Test func theCalendarFeedParsesAsRFC5545AndCarriesNothingClinical() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!
            let kept = try #require(try await Self.book(client, nurse, patient: fixture.teamPatient, staff: nurseID, type: "home-visit",
                                                        start: "2027-01-18T13:00:00Z", note: "Ada's leg ulcer")["id"] as? Int64)
            let dropped = try #require(try await Self.book(client, nurse, patient: fixture.teamPatient, staff: nurseID, type: "video-consultation",
                                                           start: "2027-01-20T09:00:00Z")["id"] as? Int64)
            _ = try await client.call(.post, "/api/v1/appointments/\(dropped)/cancel", token: nurse, body: #"{"reason": "COPD flare, admitted"}"#)
            _ = try await client.call(.post, "/api/v1/appointments/\(kept)/reschedule", token: nurse, body: #"{"start": "2027-01-18T14:00:00Z"}"#)

            let patient = try await client.login("patient").access
            #expect(try await client.call(.get, "/api/v1/me/calendar-feed", token: patient)["active"] as? Bool == false)
            let made = try await client.call(.post, "/api/v1/me/calendar-feed", token: patient)
            #expect(made.status == 201)
            let url = try #require(made["url"] as? String)
            let path = String(url[try #require(url.range(of: "/calendar/"))!.lowerBound...])
            let feed = try await client.call(.get, path)
            #expect(feed.status == 200 && feed.headers[.contentType] == "text/calendar; charset=utf-8")
            let text = String(decoding: feed.body, as: UTF8.self)
            for secret in ["Ada", "ulcer", "COPD", "admitted", "caregiverA"] { #expect(!text.contains(secret), "the feed mentions \(secret)") }

            let parsed = try await Oracle.run("parse-ical.py", on: feed.body, suffix: ".ics")
            #expect(parsed.status == 0, "\(parsed.errors)")
            let events = try #require(try JSONSerialization.jsonObject(with: Data(parsed.output.utf8)) as? [[String: Any]])
            let byUID = Dictionary(uniqueKeysWithValues: events.compactMap { event in (event["uid"] as? String).map { ($0, event) } })
            let visit = try #require(byUID["appointment-\(kept)@silverwatch.local"])
            #expect(visit["start"] as? String == "2027-01-18T14:00:00Z" && visit["end"] as? String == "2027-01-18T14:45:00Z")
            #expect(visit["sequence"] as? Int == 1 && visit["status"] as? String == "TENTATIVE" && visit["summary"] as? String == "Home visit (SilverWatch)")
            #expect(byUID["appointment-\(dropped)@silverwatch.local"]?["status"] as? String == "CANCELLED")

            // The independent parser does fail a broken feed.
            let broken = Data(text.replacingOccurrences(of: "DTEND:20270118T144500Z", with: "DTEND:20270118T130000Z").utf8)
            #expect(try await Oracle.run("parse-ical.py", on: broken, suffix: ".ics").status == 1)

            // A new feed revokes the old URL; deleting the feed revokes the new one.
            let renewed = try #require(try await client.call(.post, "/api/v1/me/calendar-feed", token: patient)["url"] as? String)
            #expect(try await client.call(.get, path).status == 404)
            let renewedPath = String(renewed[try #require(renewed.range(of: "/calendar/"))!.lowerBound...])
            #expect(try await client.call(.get, renewedPath).status == 200)
            #expect(try await client.call(.delete, "/api/v1/me/calendar-feed", token: patient).status == 204)
            #expect(try await client.call(.get, renewedPath).status == 404)
            #expect(try await client.call(.get, "/calendar/not-a-token.ics").status == 404)
        }
    }

    @Test func forgedCursorsAndImpossibleTimesAreRefusedNotFatal() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!
            // a1:9223372036854775807:1, the largest start a cursor can hold.
            let forged = try await client.call(.get, "/api/v1/appointments?cursor=YTE6OTIyMzM3MjAzNjg1NDc3NTgwNzox", token: nurse)
            #expect(forged.status == 200 && forged.items.isEmpty)
            let ancient = try await client.call(.post, "/api/v1/staff/\(nurseID)/time-off", token: nurse,
                                                body: #"{"start": "0000-01-01T00:00:00+00:01", "end": "0000-01-01T01:00:00Z"}"#)
            #expect(ancient.status == 422 && ancient.errorField == "start")
            #expect(try await client.call(.get, "/api/v1/staff/\(nurseID)/time-off?since=0000-01-01T00:00:00Z", token: nurse).errorField == "since")
        }
    }

    @Test func hoursInUTCReadBackAndOfferSlots() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let nurseID = fixture.accounts["caregiverA"]!
            let body = #"{"timeZone": "UTC", "weekly": [{"weekday": "monday", "start": "09:00", "end": "10:00", "location": "clinic"}]}"#
            let stored = try await client.call(.put, "/api/v1/staff/\(nurseID)/availability", token: nurse, body: body)
            #expect(stored.status == 200)
            // What the hub answers is itself an availability it takes back.
            let echoed = try JSONSerialization.data(withJSONObject: try #require(stored["availability"] as? [String: Any]))
            #expect(try await client.call(.put, "/api/v1/staff/\(nurseID)/availability", token: nurse, body: String(decoding: echoed, as: UTF8.self)).status == 200)
            let slots = try await client.call(.get, "/api/v1/staff/\(nurseID)/slots?type=clinic-visit&from=2027-01-18T00:00:00Z&to=2027-01-19T00:00:00Z", token: nurse)
            #expect(slots.items.compactMap { $0["start"] as? String } == ["2027-01-18T09:00:00Z", "2027-01-18T09:15:00Z", "2027-01-18T09:30:00Z"])
        }
    }

    @Test func aCaregiverWhoLeavesTheCareTeamLosesThePatientsAppointments() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let nurseID = fixture.accounts["caregiverA"]!
            let id = try #require(try await Self.book(client, nurse, patient: fixture.teamPatient, staff: nurseID, type: "clinic-visit",
                                                      start: "2027-01-18T09:00:00Z")["id"] as? Int64)
            let admin = try await client.login("admin").access
            #expect(try await client.call(.delete, "/api/v1/patients/\(fixture.teamPatient)/care-team/\(nurseID)", token: admin).status == 200)
            #expect(try await client.call(.get, "/api/v1/appointments/\(id)", token: nurse).status == 404)
            #expect(try await client.call(.get, "/api/v1/appointments", token: nurse).items.isEmpty)
            #expect(try await client.call(.post, "/api/v1/appointments/\(id)/start", token: nurse).status == 404)
            // The patient can no longer move it to another time with them either.
            let patient = try await client.login("patient").access
            let moved = try await client.call(.post, "/api/v1/appointments/\(id)/reschedule", token: patient, body: #"{"start": "2027-01-18T10:00:00Z"}"#)
            #expect(moved.status == 422 && moved.errorField == "staffId", "\(moved.status) \(String(describing: moved.json))")
        }
    }

    @Test func aTechnicianSeesTheirDeviceChecksWithoutClinicalDetail() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await Self.hours(fixture, client)
            let technicianID = fixture.accounts["technician"]!
            let check = try #require(try await Self.book(client, nurse, patient: fixture.teamPatient, staff: technicianID, type: "device-check",
                                                         start: "2027-01-18T15:00:00Z", note: "breathless since Tuesday")["id"] as? Int64)
            _ = try await client.call(.post, "/api/v1/appointments/\(check)/cancel", token: nurse, body: #"{"reason": "admitted with pneumonia"}"#)
            let technician = try await client.login("technician").access
            let seen = try await client.call(.get, "/api/v1/appointments/\(check)", token: technician)
            let appointment = try #require(seen["appointment"] as? [String: Any])
            #expect(appointment["staffName"] as? String == "technician" && appointment["patientName"] == nil && appointment["note"] == nil)
            #expect(String(decoding: seen.body, as: UTF8.self).contains("pneumonia") == false)
            #expect(try await client.call(.get, "/api/v1/appointments?patientId=\(fixture.otherPatient)", token: technician).items.isEmpty)
            #expect(try await client.call(.get, "/api/v1/appointments?patientId=\(fixture.teamPatient)", token: technician).items.count == 1)
        }
    }
}
