import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import Scheduling
import Testing

/// Every endpoint, called as every role and anonymously: allowed or denied, as the access rules say.
@Suite("Who may call what")
struct AccessTests {
    enum Caller: String, CaseIterable, Sendable {
        case anonymous, admin, caregiver, technician, patient
    }

    struct Endpoint: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        /// With `{patient}`, `{account}`, `{caregiver}` for ids of the fixture.
        var path: String
        var body: String?
        var allowed: Set<Caller>
        /// What an allowed caller gets, when not 2xx (a service this in-process hub does not run).
        var allowedStatus: Int? = nil
        var testDescription: String { "\(method) \(path)" }
    }

    static let signedIn: Set<Caller> = [.admin, .caregiver, .technician, .patient]
    static let clinical: Set<Caller> = [.admin, .caregiver, .patient]
    static let staff: Set<Caller> = [.admin, .caregiver, .technician]
    static let standardPolicy = #"{"latchingPriorities": ["high"], "escalationDelaySeconds": {"high": 120, "medium": 600}, "highestTier": 2, "longestSnoozeSeconds": {"high": 600, "medium": 1800, "low": 7200}}"#

    /// The route table as the access rules read. `{patient}` is the caregiver's own patient and the patient
    /// account's own record, so "allowed" means allowed for what is theirs (the object-level tests below cover the
    /// rest).
    static let endpoints: [Endpoint] = [
        .init(method: .get, path: "/api/openapi.yaml", allowed: Set(Caller.allCases)),
        .init(method: .get, path: "/", allowed: Set(Caller.allCases)),
        .init(method: .get, path: "/console/{file}", allowed: Set(Caller.allCases)),
        .init(method: .get, path: "/health", allowed: Set(Caller.allCases)),
        .init(method: .get, path: "/metrics", allowed: Set(Caller.allCases)),
        .init(method: .post, path: "/api/v1/auth/login", body: #"{"username": "nobody", "password": "x"}"#, allowed: []),
        .init(method: .post, path: "/api/v1/auth/refresh", body: #"{"refreshToken": "x"}"#, allowed: []),
        .init(method: .post, path: "/api/v1/auth/logout", allowed: signedIn),
        .init(method: .get, path: "/api/v1/me", allowed: signedIn),
        .init(method: .put, path: "/api/v1/me/password", body: #"{"currentPassword": "\#(Fixture.password)", "newPassword": "another long secret"}"#,
              allowed: signedIn),
        .init(method: .get, path: "/api/v1/accounts", allowed: [.admin]),
        .init(method: .post, path: "/api/v1/accounts",
              body: #"{"username": "newnurse", "displayName": "New", "role": "caregiver", "password": "a long enough secret"}"#, allowed: [.admin]),
        .init(method: .get, path: "/api/v1/accounts/{account}", allowed: [.admin]),
        .init(method: .post, path: "/api/v1/accounts/{account}/deactivate", allowed: [.admin]),
        .init(method: .post, path: "/api/v1/accounts/{account}/unlock", allowed: [.admin]),
        .init(method: .get, path: "/api/v1/login-locks", allowed: [.admin]),
        .init(method: .get, path: "/api/v1/patients", allowed: clinical),
        .init(method: .post, path: "/api/v1/patients", body: #"{"displayName": "Cleo"}"#, allowed: [.admin]),
        .init(method: .get, path: "/api/v1/patients/{patient}", allowed: clinical),
        .init(method: .patch, path: "/api/v1/patients/{patient}", body: #"{"news2": {"onOxygen": true}}"#, allowed: [.admin, .caregiver]),
        .init(method: .get, path: "/api/v1/patients/{patient}/care-team", allowed: clinical),
        .init(method: .put, path: "/api/v1/patients/{patient}/care-team/{caregiver}", allowed: [.admin]),
        .init(method: .delete, path: "/api/v1/patients/{patient}/care-team/{caregiver}", allowed: [.admin]),
        .init(method: .get, path: "/api/v1/patients/{patient}/rules", allowed: [.admin, .caregiver]),
        .init(method: .put, path: "/api/v1/patients/{patient}/rules", body: #"{"overrides": [{"id": "heart-rate-high", "enabled": false}]}"#,
              allowed: [.admin, .caregiver]),
        .init(method: .delete, path: "/api/v1/patients/{patient}/rules", allowed: [.admin, .caregiver]),
        .init(method: .get, path: "/api/v1/vitals/latest", allowed: clinical),
        .init(method: .get, path: "/api/v1/patients/{patient}/fhir", allowed: clinical),
        .init(method: .get, path: "/api/v1/patients/{patient}/vitals/latest", allowed: clinical),
        .init(method: .get, path: "/api/v1/patients/{patient}/vitals/spo2/history", allowed: clinical),
        // `{alert}` is a device alert of the caregiver's patient: a technician's too.
        .init(method: .get, path: "/api/v1/alerts", allowed: staff),
        .init(method: .get, path: "/api/v1/alerts/{alert}", allowed: staff),
        .init(method: .post, path: "/api/v1/alerts/{alert}/acknowledge", allowed: staff),
        .init(method: .post, path: "/api/v1/alerts/{alert}/resolve", body: #"{"note": "battery replaced"}"#, allowed: staff),
        .init(method: .post, path: "/api/v1/alerts/{alert}/snooze", body: #"{"until": "2027-01-15T08:05:00Z"}"#, allowed: staff),
        .init(method: .put, path: "/api/v1/alerts/{alert}/assignee", body: #"{"accountId": null}"#, allowed: staff),
        .init(method: .get, path: "/api/v1/alert-policy", allowed: staff),
        .init(method: .put, path: "/api/v1/alert-policy", body: standardPolicy, allowed: [.admin]),
        // `{device}` is the caregiver's patient's oximeter, `{gateway}` its gateway.
        .init(method: .get, path: "/api/v1/devices", allowed: staff),
        .init(method: .post, path: "/api/v1/devices", body: #"{"deviceId": "new-thermometer", "gatewayId": "gw-1"}"#, allowed: [.admin, .technician]),
        .init(method: .get, path: "/api/v1/devices/{device}", allowed: staff),
        .init(method: .patch, path: "/api/v1/devices/{device}", body: #"{"inactivityTimeoutSeconds": 900}"#, allowed: [.admin, .technician]),
        .init(method: .put, path: "/api/v1/devices/{device}/assignment", body: #"{"patientId": null}"#, allowed: [.admin, .technician]),
        .init(method: .get, path: "/api/v1/devices/{device}/status-history", allowed: staff),
        .init(method: .get, path: "/api/v1/gateways", allowed: [.admin, .technician]),
        .init(method: .get, path: "/api/v1/gateways/{gateway}", allowed: [.admin, .technician]),
        .init(method: .patch, path: "/api/v1/gateways/{gateway}", body: #"{"statusIntervalSeconds": 30}"#, allowed: [.admin, .technician]),
        .init(method: .get, path: "/api/v1/gateways/{gateway}/status-history", allowed: [.admin, .technician]),
        // No broker here: the role passes, and the hub says credential management is not configured.
        .init(method: .post, path: "/api/v1/gateways/{gateway}/credentials", allowed: [.admin, .technician], allowedStatus: 503),
        // `{staff}` is caregiverA (the caregiver caller themself), with hours; `{appointment}` a clinic visit of
        // `{patient}` with them on Monday at 09:00; `{timeOff}` their time off in February.
        .init(method: .get, path: "/api/v1/staff/{staff}/availability", allowed: staff),
        .init(method: .put, path: "/api/v1/staff/{staff}/availability", body: AppointmentsAPITests.nurseHours, allowed: [.admin, .caregiver]),
        .init(method: .get, path: "/api/v1/staff/{staff}/time-off", allowed: [.admin, .caregiver]),
        .init(method: .post, path: "/api/v1/staff/{staff}/time-off", body: #"{"start": "2027-03-01T00:00:00Z", "end": "2027-03-02T00:00:00Z"}"#,
              allowed: [.admin, .caregiver]),
        .init(method: .delete, path: "/api/v1/staff/{staff}/time-off/{timeOff}", allowed: [.admin, .caregiver]),
        .init(method: .get, path: "/api/v1/staff/{staff}/slots?type=clinic-visit", allowed: signedIn),
        .init(method: .get, path: "/api/v1/patients/{patient}/bookable-staff", allowed: clinical),
        .init(method: .get, path: "/api/v1/appointments", allowed: signedIn),
        .init(method: .post, path: "/api/v1/appointments",
              body: #"{"patientId": {patient}, "staffId": {staff}, "type": "clinic-visit", "start": "2027-01-18T11:00:00Z"}"#, allowed: clinical),
        .init(method: .get, path: "/api/v1/appointments/{appointment}", allowed: clinical),
        .init(method: .post, path: "/api/v1/appointments/{appointment}/confirm", allowed: clinical),
        // Starting, completing and a no-show are the staff member's; on Friday, for Monday, the state then refuses them.
        .init(method: .post, path: "/api/v1/appointments/{appointment}/start", allowed: [.admin, .caregiver], allowedStatus: 409),
        .init(method: .post, path: "/api/v1/appointments/{appointment}/complete", allowed: [.admin, .caregiver], allowedStatus: 409),
        .init(method: .post, path: "/api/v1/appointments/{appointment}/no-show", allowed: [.admin, .caregiver], allowedStatus: 409),
        .init(method: .post, path: "/api/v1/appointments/{appointment}/cancel", body: #"{"reason": "unwell"}"#, allowed: clinical),
        .init(method: .post, path: "/api/v1/appointments/{appointment}/reschedule", body: #"{"start": "2027-01-18T11:00:00Z"}"#, allowed: clinical),
        .init(method: .get, path: "/api/v1/me/calendar-feed", allowed: signedIn),
        .init(method: .post, path: "/api/v1/me/calendar-feed", allowed: signedIn),
        // No feed made yet: the role passes, and there is nothing to revoke.
        .init(method: .delete, path: "/api/v1/me/calendar-feed", allowed: signedIn, allowedStatus: 404),
        // Public: the token in the URL decides, and an unknown one is 404 to everyone.
        .init(method: .get, path: "/calendar/{feed}", allowed: Set(Caller.allCases), allowedStatus: 404),
        // `{notification}` is caregiverA's: nobody else's to read.
        .init(method: .get, path: "/api/v1/notifications", allowed: signedIn),
        .init(method: .post, path: "/api/v1/notifications/read-all", allowed: signedIn),
        .init(method: .post, path: "/api/v1/notifications/{notification}/read", allowed: [.caregiver]),
        .init(method: .get, path: "/api/v1/notifications/{notification}/deliveries", allowed: [.caregiver]),
        .init(method: .get, path: "/api/v1/deliveries", allowed: [.admin]),
        .init(method: .get, path: "/api/v1/me/notification-settings", allowed: signedIn),
        .init(method: .put, path: "/api/v1/me/notification-settings", body: #"{"email": "someone@example.org", "preferences": {"alert": ["email"]}}"#,
              allowed: signedIn),
        .init(method: .get, path: "/api/v1/on-call", allowed: staff),
        .init(method: .put, path: "/api/v1/on-call", body: #"{"tiers": [[{caregiver}]]}"#, allowed: [.admin]),
        // `{conversation}` is the team patient's conversation with their care team; `{message}` the patient's in it.
        // Admins take part in no conversation.
        .init(method: .get, path: "/api/v1/conversations", allowed: signedIn),
        .init(method: .post, path: "/api/v1/conversations", body: #"{"kind": "patient", "patientId": {patient}, "title": "Hello"}"#,
              allowed: [.caregiver, .patient]),
        .init(method: .get, path: "/api/v1/conversations/{conversation}", allowed: [.caregiver, .patient]),
        .init(method: .get, path: "/api/v1/conversations/{conversation}/messages", allowed: [.caregiver, .patient]),
        .init(method: .post, path: "/api/v1/conversations/{conversation}/messages", body: #"{"body": "hi"}"#, allowed: [.caregiver, .patient]),
        .init(method: .patch, path: "/api/v1/conversations/{conversation}/messages/{message}", body: #"{"body": "edited"}"#, allowed: [.patient]),
        .init(method: .delete, path: "/api/v1/conversations/{conversation}/messages/{message}", allowed: [.patient]),
        .init(method: .get, path: "/api/v1/conversations/{conversation}/messages/{message}/revisions", allowed: [.admin]),
        .init(method: .post, path: "/api/v1/conversations/{conversation}/read", body: #"{"messageId": {message}}"#, allowed: [.caregiver, .patient]),
        .init(method: .post, path: "/api/v1/alerts/{alert}/conversation", allowed: [.caregiver, .technician]),
        .init(method: .get, path: "/api/v1/patients/{patient}/report", allowed: clinical),
        .init(method: .get, path: "/api/v1/reports/fleet", allowed: [.admin, .technician]),
        .init(method: .get, path: "/api/v1/reports/operations", allowed: [.admin]),
        .init(method: .get, path: "/api/v1/audit", allowed: [.admin]),
        .init(method: .get, path: "/api/v1/audit/verification", allowed: [.admin]),
    ]

    @Test func theTableCoversEveryRoute() async throws {
        let fixture = try await Fixture.make()
        let routes = Set(buildRouter(fixture.api).routes.map { "\($0.method) \(OpenAPIRoutes.openAPIPath($0.path.description))" })
        let table = Set(Self.endpoints.map { "\($0.method) \($0.path.replacingOccurrences(of: "{patient}", with: "{patientId}").replacingOccurrences(of: "{account}", with: "{accountId}").replacingOccurrences(of: "{caregiver}", with: "{caregiverId}").replacingOccurrences(of: "{alert}", with: "{alertId}").replacingOccurrences(of: "/spo2/", with: "/{kind}/").replacingOccurrences(of: "{device}", with: "{deviceId}").replacingOccurrences(of: "{gateway}", with: "{gatewayId}").replacingOccurrences(of: "{staff}", with: "{accountId}").replacingOccurrences(of: "{timeOff}", with: "{timeOffId}").replacingOccurrences(of: "{appointment}", with: "{appointmentId}").replacingOccurrences(of: "?type=clinic-visit", with: "").replacingOccurrences(of: "{notification}", with: "{notificationId}").replacingOccurrences(of: "{conversation}", with: "{conversationId}").replacingOccurrences(of: "{message}", with: "{messageId}"))" })
        #expect(routes == table)
    }

    @Test(arguments: endpoints)
    func everyRoleIsAllowedOrDeniedAsTheRulesSay(_ endpoint: Endpoint) async throws {
        for caller in Caller.allCases {
            // A fresh hub for each call: deactivating or signing out must not change what the next caller meets.
            let fixture = try await Fixture.make()
            let alert = endpoint.path.contains("{alert}") || endpoint.path.contains("{device}") || endpoint.path.contains("{gateway}")
                || endpoint.path.contains("{notification}") ? try await fixture.raiseAlerts().device : 0
            var found: Int64 = 0
            if endpoint.path.contains("{notification}") {
                try await fixture.database.makeNotifications(at: fixture.clock.now(), emailAvailable: false)
                found = try #require(try await fixture.database.notifications(accountID: fixture.accounts["caregiverA"]!, unreadOnly: false, before: nil,
                                                                              limit: 1).first?.id)
            }
            let notification = found
            var chat: (conversation: Int64, message: Int64) = (0, 0)
            if endpoint.path.contains("{conversation}") {
                let patientAccount = try #require(fixture.accounts["patient"])
                let conversation = try await fixture.database.createConversation(kind: .patient, title: "Evening", patientID: fixture.teamPatient, deviceID: nil,
                                                                                 alertID: nil, createdBy: patientAccount, at: fixture.clock.now())
                let message = try await fixture.database.postMessage(conversationID: conversation.id, senderID: patientAccount, body: "hello", at: fixture.clock.now())
                chat = (conversation.id, message.id)
            }
            let conversation = chat
            let scheduling = endpoint.path.contains("{staff}") || endpoint.path.contains("{appointment}") || endpoint.body?.contains("{staff}") == true
                ? try await Self.schedule(fixture) : (appointment: 0, timeOff: 0)
            try await fixture.run { client in
                let token: String? = switch caller {
                case .anonymous: nil
                case .caregiver: try await client.login("caregiverA").access
                default: try await client.login(caller.rawValue).access
                }
                let placeholders: [(String, String)] = [
                    ("{patient}", String(fixture.teamPatient)), ("{account}", String(fixture.accounts["caregiverB"] ?? 0)),
                    ("{caregiver}", String(fixture.accounts["caregiverB"] ?? 0)), ("{alert}", String(alert)), ("{device}", "ox-team"),
                    ("{gateway}", "gw-1"), ("{staff}", String(fixture.accounts["caregiverA"] ?? 0)), ("{appointment}", String(scheduling.appointment)),
                    ("{timeOff}", String(scheduling.timeOff)), ("{feed}", "unknown.ics"), ("{file}", "app.js"), ("{notification}", String(notification)),
                    ("{conversation}", String(conversation.conversation)), ("{message}", String(conversation.message)),
                ]
                let path = placeholders.reduce(endpoint.path) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
                let body = endpoint.body?.replacingOccurrences(of: "{patient}", with: String(fixture.teamPatient))
                    .replacingOccurrences(of: "{caregiver}", with: String(fixture.accounts["caregiverB"] ?? 0))
                    .replacingOccurrences(of: "{staff}", with: String(fixture.accounts["caregiverA"] ?? 0))
                    .replacingOccurrences(of: "{message}", with: String(conversation.message))
                let response = try await client.call(endpoint.method, path, token: token, body: body)
                let isPublic = endpoint.path.hasPrefix("/api/v1/auth/login") || endpoint.path.hasPrefix("/api/v1/auth/refresh") || endpoint.path.hasSuffix("openapi.yaml")
                if endpoint.allowed.contains(caller), let status = endpoint.allowedStatus {
                    #expect(response.status == status, "\(caller) \(endpoint.testDescription) answered \(response.status)")
                } else if endpoint.allowed.contains(caller) {
                    #expect((200..<300).contains(response.status), "\(caller) \(endpoint.testDescription) answered \(response.status)")
                } else if isPublic {
                    // Public routes with bad credentials: refused for the credentials, never for the role.
                    #expect(response.status == 401, "\(caller) \(endpoint.testDescription) answered \(response.status)")
                } else if caller == .anonymous {
                    #expect(response.status == 401, "anonymous \(endpoint.testDescription) answered \(response.status)")
                    #expect(response.errorCode == "unauthenticated")
                } else {
                    #expect([403, 404].contains(response.status), "\(caller) \(endpoint.testDescription) answered \(response.status)")
                }
            }
        }
    }

    /// CaregiverA's hours and time off, and a clinic visit of the team patient with them on Monday at 09:00.
    static func schedule(_ fixture: Fixture) async throws -> (appointment: Int64, timeOff: Int64) {
        let nurse = try #require(fixture.accounts["caregiverA"])
        let document = try JSONDecoder().decode(AvailabilityDocument.self, from: Data(AppointmentsAPITests.nurseHours.utf8))
        try await fixture.database.setAvailability(try Availability(document: document), accountID: nurse, at: fixture.clock.now())
        let february = Date(timeIntervalSince1970: 1_801_440_000)
        let timeOff = try await fixture.database.addTimeOff(accountID: nurse, february..<february.addingTimeInterval(86_400), reason: nil, at: fixture.clock.now())
        let monday = try #require(ISO8601DateFormatter().date(from: "2027-01-18T09:00:00Z"))
        let appointment = try await fixture.database.book(
            NewAppointment(patientID: fixture.teamPatient, staffID: nurse, type: .clinicVisit, start: monday, note: nil, bookedBy: nurse), at: fixture.clock.now())
        return (appointment.id, timeOff.id)
    }

    @Test func aCaregiverKeepsTheirOwnHoursAndNoOneElses() async throws {
        let fixture = try await Fixture.make()
        _ = try await Self.schedule(fixture)
        try await fixture.run { client in
            let other = try await client.login("caregiverB").access
            let nurseA = try #require(fixture.accounts["caregiverA"])
            #expect(try await client.call(.put, "/api/v1/staff/\(nurseA)/availability", token: other, body: AppointmentsAPITests.nurseHours).status == 403)
            #expect(try await client.call(.get, "/api/v1/staff/\(nurseA)/time-off", token: other).status == 403)
            #expect(try await client.call(.post, "/api/v1/staff/\(nurseA)/time-off", token: other,
                                          body: #"{"start": "2027-03-01T00:00:00Z", "end": "2027-03-02T00:00:00Z"}"#).status == 403)
            // Their own hours, yes.
            #expect(try await client.call(.put, "/api/v1/staff/\(fixture.accounts["caregiverB"]!)/availability", token: other,
                                          body: AppointmentsAPITests.nurseHours).status == 200)
        }
    }

    @Test func aCaregiverSeesOnlyTheirCareTeamsPatients() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let list = try await client.call(.get, "/api/v1/patients", token: nurse)
            #expect(list.items.map { $0["id"] as? Int64 } == [fixture.teamPatient])
            let other = fixture.otherPatient
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/api/v1/patients/\(other)", nil),
                (.patch, "/api/v1/patients/\(other)", #"{"news2": {"onOxygen": true}}"#),
                (.get, "/api/v1/patients/\(other)/care-team", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                let response = try await client.call(method, path, token: nurse, body: body)
                #expect(response.status == 404, "\(method) \(path) answered \(response.status)")
            }
            #expect(try await fixture.database.patient(id: other)?.onOxygen == false)
        }
    }

    @Test func joiningAndLeavingACareTeamGrantsAndEndsAccess() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let admin = try await client.login("admin").access
            let nurse = try await client.login("caregiverA").access
            let other = fixture.otherPatient
            let caregiverA = try #require(fixture.accounts["caregiverA"])
            #expect(try await client.call(.get, "/api/v1/patients/\(other)", token: nurse).status == 404)
            #expect(try await client.call(.put, "/api/v1/patients/\(other)/care-team/\(caregiverA)", token: admin).status == 200)
            #expect(try await client.call(.get, "/api/v1/patients/\(other)", token: nurse).status == 200)
            fixture.clock.advance(.seconds(60))
            #expect(try await client.call(.delete, "/api/v1/patients/\(other)/care-team/\(caregiverA)", token: admin).status == 200)
            #expect(try await client.call(.get, "/api/v1/patients/\(other)", token: nurse).status == 404)
            // The history keeps the membership that ended.
            let history = try await client.call(.get, "/api/v1/patients/\(other)/care-team?history=true", token: admin)
            let members = try #require(history["members"] as? [[String: Any]])
            let ended = members.filter { ($0["caregiver"] as? [String: Any])?["id"] as? Int64 == caregiverA }
            #expect(ended.count == 1)
            #expect(ended.first?["until"] != nil)
            // A technician is not a caregiver and cannot join a care team.
            let technician = try #require(fixture.accounts["technician"])
            let refused = try await client.call(.put, "/api/v1/patients/\(other)/care-team/\(technician)", token: admin)
            #expect(refused.status == 422)
            #expect(refused.errorField == "caregiverId")
        }
    }

    @Test func noIdLeadsAnyoneToAPatientTheyMayNotSee() async throws {
        let fixture = try await Fixture.make()
        for _ in 0..<8 { _ = try await fixture.database.createPatient(displayName: "P", yearOfBirth: nil, conditions: [], spo2Scale: 1, onOxygen: false, at: fixture.clock.now()) }
        try await fixture.run { client in
            for (name, visible) in [("caregiverA", [fixture.teamPatient]), ("patient", [fixture.teamPatient]), ("caregiverB", [fixture.otherPatient])] {
                let token = try await client.login(name).access
                var seen: [Int64] = []
                for id in Int64(0)...Int64(12) {
                    let response = try await client.call(.get, "/api/v1/patients/\(id)", token: token)
                    if response.status == 200 { seen.append(id) } else { #expect(response.status == 404) }
                }
                #expect(seen == visible, "\(name) saw \(seen)")
            }
            // A technician gets no clinical record at all, whatever the id.
            let technician = try await client.login("technician").access
            #expect(try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)", token: technician).status == 403)
            #expect(try await client.call(.get, "/api/v1/patients", token: technician).status == 403)
        }
    }

    @Test func aPatientReadsTheirOwnRecordButCannotChangeIt() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let patient = try await client.login("patient").access
            let own = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)", token: patient)
            #expect(own["displayName"] as? String == "Ada")
            #expect(try await client.call(.patch, "/api/v1/patients/\(fixture.teamPatient)", token: patient, body: #"{"displayName": "Z"}"#).status == 403)
            #expect(try await client.call(.get, "/api/v1/patients/\(fixture.otherPatient)", token: patient).status == 404)
        }
    }
}
