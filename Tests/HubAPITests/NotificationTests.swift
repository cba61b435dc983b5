import APITestSupport
import Crypto
import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import HummingbirdWSTesting
import HummingbirdWebSocket
import NIOCore
import Scheduling
import Synchronization
import Telemetry
import Testing
import Vitals

/// An SMTP server for the test (tools/smtp-sink.py, aiosmtpd): the mail the hub sends, as received.
final class SMTPSink: Sendable {
    struct Mail: Sendable {
        var from: String
        var to: [String]
        var data: String
    }

    private let process = Process()
    private let input = Pipe()
    private final class Mailbox: Sendable {
        let mail = Mutex<[Mail]>([])
    }

    private let received = Mailbox()
    let port: Int

    /// Starts the sink; it answers the first `rejectFirst` messages with 451 (try again later).
    init(rejectFirst: Int = 0) async throws {
        let python = Oracle.root.appendingPathComponent(".tools/venv/bin/python")
        process.executableURL = python
        process.arguments = [Oracle.root.appendingPathComponent("tools/smtp-sink.py").path, "--reject-first", String(rejectFirst)]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        let (lines, lineSink) = AsyncStream.makeStream(of: String.self)
        let pending = Mutex("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { lineSink.finish(); handle.readabilityHandler = nil; return }
            let complete = pending.withLock { buffer -> [String] in
                buffer += String(decoding: data, as: UTF8.self)
                var parts = buffer.components(separatedBy: "\n")
                buffer = parts.removeLast()
                return parts
            }
            for line in complete { lineSink.yield(line) }
        }
        try process.run()
        var iterator = lines.makeAsyncIterator()
        guard let first = await iterator.next(), first.hasPrefix("port "), let port = Int(first.dropFirst(5)) else {
            throw SMTPError(description: "the SMTP sink did not start", permanent: true)
        }
        self.port = port
        Task { [received] in
            while let line = await iterator.next() {
                guard let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                let mail = Mail(from: json["from"] as? String ?? "", to: json["to"] as? [String] ?? [], data: json["data"] as? String ?? "")
                received.mail.withLock { $0.append(mail) }
            }
        }
    }

    /// The mail received so far, waiting up to 10 s for at least `count`.
    func mail(atLeast count: Int) async throws -> [Mail] {
        for _ in 0..<100 {
            let mail = received.mail.withLock { $0 }
            if mail.count >= count { return mail }
            try await Task.sleep(for: .milliseconds(100))
        }
        return received.mail.withLock { $0 }
    }

    /// Ends the sink at once, without waiting for it: a blocking wait here would hold one of the test runner's few
    /// cooperative threads, and two sinks stopping together once held both while each waited for an end of input
    /// that a process spawned meanwhile kept open by inheriting the pipe.
    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }
}

/// A webhook receiver on a free loopback port: what it received, answering the statuses it is given in turn (then 200).
actor WebhookReceiver {
    struct Call: Sendable {
        var headers: [String: String]
        var body: [UInt8]
    }

    private(set) var calls: [Call] = []
    private var statuses: [Int]

    init(statuses: [Int]) {
        self.statuses = statuses
    }

    func record(_ call: Call) -> Int {
        calls.append(call)
        return statuses.isEmpty ? 200 : statuses.removeFirst()
    }

    /// Runs a server for the receiver while `body` runs, handing it the hook's URL.
    func serve<Value: Sendable>(_ body: @Sendable (String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("hook") { request, context -> Response in
            let bytes = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let status = await self.record(Call(headers: headers, body: bytes))
            return Response(status: .init(code: status))
        }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0) })
        let server = Task { try await app.runService() }
        defer { server.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return try await body("http://127.0.0.1:\(port)/hook")
    }
}

/// Notifications: the inbox, escalation through the tiers on an injected clock, quiet hours, email through a real
/// SMTP server (aiosmtpd) and signed webhooks, with retries and every attempt recorded.
@Suite("Notifications", .timeLimit(.minutes(1)))
struct NotificationTests {
    /// A high-priority SpO2 alert of the team patient, raised through the real ingest path now; its record.
    static func desaturate(_ fixture: Fixture) async throws -> AlertRecord {
        try await fixture.commitReadings(device: "ox-team", patient: fixture.teamPatient, kind: .oxygenSaturation, values: Array(repeating: 84, count: 90),
                                         start: fixture.clock.now().addingTimeInterval(-90))
        let alerts = try await fixture.database.alerts(in: .all, AlertFilter(), before: nil, limit: 10)
        return try #require(alerts.first { $0.patientID == fixture.teamPatient && $0.alert.priority == .high })
    }

    static func recipients(_ fixture: Fixture, alert: Int64) async throws -> [String: Int] {
        var reached: [String: Int] = [:]
        for (name, id) in fixture.accounts {
            for notification in try await fixture.database.notifications(accountID: id, unreadOnly: false, before: nil, limit: 100)
            where notification.alertID == alert {
                reached[name] = max(reached[name] ?? 0, notification.tier ?? 0)
            }
        }
        return reached
    }

    @Test func anUnacknowledgedAlertEscalatesTierByTierOnTheClock() async throws {
        let fixture = try await Fixture.make()
        try await fixture.database.setOnCallRota(OnCallRota(tiers: [[fixture.accounts["caregiverB"]!]]))
        let service = NotificationService(database: fixture.database, relay: nil, logger: .init(label: "test"))
        let alert = try await Self.desaturate(fixture)
        try await service.runOnce(at: fixture.clock.now())
        // Tier 0: the patient's care team only.
        #expect(try await Self.recipients(fixture, alert: alert.id) == ["caregiverA": 0])

        let escalation = try #require(alert.alert.nextEscalationAt)
        try await fixture.database.commitTick(of: fixture.alerting.book, at: escalation.addingTimeInterval(-1), staleAfter: .seconds(3600))
        try await service.runOnce(at: escalation.addingTimeInterval(-1))
        #expect(try await Self.recipients(fixture, alert: alert.id) == ["caregiverA": 0], "escalated a second early")

        try await fixture.database.commitTick(of: fixture.alerting.book, at: escalation, staleAfter: .seconds(3600))
        try await service.runOnce(at: escalation)
        // Tier 1: the on-call caregiver (and the care team again).
        #expect(try await Self.recipients(fixture, alert: alert.id) == ["caregiverA": 0, "caregiverB": 1])

        let next = escalation.addingTimeInterval(120)
        try await fixture.database.commitTick(of: fixture.alerting.book, at: next, staleAfter: .seconds(3600))
        try await service.runOnce(at: next)
        // Tier 2, past the rota: the admins.
        #expect(try await Self.recipients(fixture, alert: alert.id) == ["caregiverA": 0, "caregiverB": 1, "admin": 2])
        let caregiverA = try await fixture.database.notifications(accountID: fixture.accounts["caregiverA"]!, unreadOnly: true, before: nil, limit: 10)
        #expect(caregiverA.count == 3 && caregiverA.first?.title == "Escalated: high-priority alert not acknowledged")
        #expect(caregiverA.allSatisfy { !$0.body.contains("Ada") && !$0.title.contains("Ada") })
    }

    @Test func acknowledgingStopsTheEscalationsNotifications() async throws {
        let fixture = try await Fixture.make()
        let service = NotificationService(database: fixture.database, relay: nil, logger: .init(label: "test"))
        let alert = try await Self.desaturate(fixture)
        _ = try await fixture.alerting.perform(.acknowledge, onAlert: alert.id, by: AlertActor(accountID: fixture.accounts["caregiverA"]!, name: "A"),
                                               at: fixture.clock.now())
        let escalation = try #require(alert.alert.nextEscalationAt)
        try await fixture.database.commitTick(of: fixture.alerting.book, at: escalation.addingTimeInterval(600), staleAfter: .seconds(3600))
        try await service.runOnce(at: escalation.addingTimeInterval(600))
        #expect(try await Self.recipients(fixture, alert: alert.id) == ["caregiverA": 0])
    }

    @Test func quietHoursHoldBackAllButHighPriorityAlerts() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        let settings = NotificationSettings(quietStart: TimeOfDay("22:00"), quietEnd: TimeOfDay("07:00"), timeZone: london)
        let night = try #require(ISO8601DateFormatter().date(from: "2027-07-01T23:30:00Z"))  // 00:30 BST
        let morning = try #require(ISO8601DateFormatter().date(from: "2027-07-02T06:00:00Z"))  // 07:00 BST
        #expect(settings.earliestDelivery(at: night, urgent: false) == morning)
        #expect(settings.earliestDelivery(at: night, urgent: true) == night)
        let evening = try #require(ISO8601DateFormatter().date(from: "2027-07-01T20:59:00Z"))  // 21:59 BST
        #expect(settings.earliestDelivery(at: evening, urgent: false) == evening)
        let lateEvening = try #require(ISO8601DateFormatter().date(from: "2027-07-01T21:00:00Z"))  // 22:00 BST
        #expect(settings.earliestDelivery(at: lateEvening, urgent: false) == morning)
    }

    @Test func anAlertIsEmailedThroughTheRelayAndATemporaryRefusalIsRetried() async throws {
        let sink = try await SMTPSink(rejectFirst: 1)
        defer { sink.stop() }
        let fixture = try await Fixture.make()
        let nurse = fixture.accounts["caregiverA"]!
        // Quiet hours all day long: a high-priority alert goes anyway.
        try await fixture.database.setNotificationSettings(
            NotificationSettings(email: "nurse.a@example.org", quietStart: TimeOfDay("00:00"), quietEnd: TimeOfDay("23:59")), accountID: nurse, at: fixture.clock.now())
        let service = NotificationService(database: fixture.database, relay: SMTPRelay(host: "127.0.0.1", port: sink.port, from: "hub@example.org"),
                                          logger: .init(label: "test"))
        let alert = try await Self.desaturate(fixture)
        try await service.runOnce(at: fixture.clock.now())
        let notification = try #require(try await fixture.database.notifications(accountID: nurse, unreadOnly: false, before: nil, limit: 1).first)
        let first = try #require(try await fixture.database.deliveries(notificationID: notification.id).first)
        #expect(first.channel == .email && first.status == .retrying && first.attempts == 1 && first.lastError?.contains("451") == true)
        #expect(first.nextAttemptAt == fixture.clock.now().addingTimeInterval(30))

        try await service.runOnce(at: fixture.clock.now().addingTimeInterval(29))
        #expect(try await fixture.database.deliveries(notificationID: notification.id).first?.attempts == 1, "retried before its backoff")
        try await service.runOnce(at: fixture.clock.now().addingTimeInterval(30))
        let delivered = try #require(try await fixture.database.deliveries(notificationID: notification.id).first)
        #expect(delivered.status == .delivered && delivered.attempts == 2)
        let mail = try #require(try await sink.mail(atLeast: 1).first)
        #expect(mail.to == ["nurse.a@example.org"] && mail.from == "hub@example.org")
        #expect(mail.data.contains("Subject: SilverWatch: New high-priority alert"))
        #expect(mail.data.contains("(alert \(alert.id))") && !mail.data.contains("Ada"))
    }

    @Test func webhooksAreSignedAndRetriedUntilTheReceiverTakesThem() async throws {
        let receiver = WebhookReceiver(statuses: [503])
        let fixture = try await Fixture.make { $0.webhookAllowedHosts = ["127.0.0.1"] }
        try await receiver.serve { url in
            let secret = try await fixture.run { client in
                let nurse = try await client.login("caregiverA").access
                let answer = try await client.call(.put, "/api/v1/me/notification-settings", token: nurse,
                                                   body: #"{"webhookUrl": "\#(url)", "preferences": {"alert": ["webhook"]}}"#)
                #expect(answer.status == 200)
                return try #require(answer["webhookSecret"] as? String)
            }
            let service = NotificationService(database: fixture.database, relay: nil, allowedWebhookHosts: ["127.0.0.1"], logger: .init(label: "test"))
            let alert = try await Self.desaturate(fixture)
            try await service.runOnce(at: fixture.clock.now())
            try await service.runOnce(at: fixture.clock.now().addingTimeInterval(30))
            let calls = await receiver.calls
            #expect(calls.count == 2)
            for call in calls {
                let timestamp = try #require(call.headers["x-silverwatch-timestamp"])
                let expected = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + call.body, using: SymmetricKey(data: Array(secret.utf8)))
                #expect(call.headers["x-silverwatch-signature"] == "sha256=" + expected.map { String(format: "%02x", $0) }.joined())
                let json = try #require(try JSONSerialization.jsonObject(with: Data(call.body)) as? [String: Any])
                #expect(json["alertId"] as? Int64 == alert.id && json["priority"] as? String == "high")
            }
            #expect(calls[0].headers["x-silverwatch-delivery"] != nil && calls[0].headers["x-silverwatch-delivery"] == calls[1].headers["x-silverwatch-delivery"])
            // A forged body does not match the signature.
            let call = calls[0]
            let forged = HMAC<SHA256>.authenticationCode(for: Array("\(call.headers["x-silverwatch-timestamp"] ?? "").".utf8) + Array("{}".utf8),
                                                         using: SymmetricKey(data: Array(secret.utf8)))
            #expect(call.headers["x-silverwatch-signature"] != "sha256=" + forged.map { String(format: "%02x", $0) }.joined())
            try await fixture.run { client in
                let nurse = try await client.login("caregiverA").access
                let inbox = try await client.call(.get, "/api/v1/notifications", token: nurse)
                let id = try #require(inbox.items.first?["id"] as? Int64)
                let deliveries = try await client.call(.get, "/api/v1/notifications/\(id)/deliveries", token: nurse).items
                #expect(deliveries.first?["status"] as? String == "delivered" && deliveries.first?["attempts"] as? Int == 2)
            }
        }
    }

    @Test func aFailingWebhookIsGivenUpAfterItsLastRetryAndShownToAdmins() async throws {
        let receiver = WebhookReceiver(statuses: Array(repeating: 500, count: 20))
        let fixture = try await Fixture.make()
        let nurse = fixture.accounts["caregiverA"]!
        try await receiver.serve { url in
            try await fixture.database.setNotificationSettings(NotificationSettings(webhookURL: url, webhookSecret: "s"), accountID: nurse, at: fixture.clock.now())
            let service = NotificationService(database: fixture.database, relay: nil, allowedWebhookHosts: ["127.0.0.1"], logger: .init(label: "test"))
            _ = try await Self.desaturate(fixture)
            var time = fixture.clock.now()
            try await service.runOnce(at: time)
            for wait in AppDatabase.deliveryBackoff {
                // Just before each retry is due, nothing goes.
                try await service.runOnce(at: time.addingTimeInterval(wait - 1))
                time = time.addingTimeInterval(wait)
                try await service.runOnce(at: time)
            }
            try await service.runOnce(at: time.addingTimeInterval(86_400))
            #expect(await receiver.calls.count == AppDatabase.deliveryBackoff.count + 1)
            let failed = try await fixture.database.deliveries(status: .failed, before: nil, limit: 10)
            #expect(failed.count == 1 && failed.first?.attempts == AppDatabase.deliveryBackoff.count + 1)
            try await fixture.run { client in
                let admin = try await client.login("admin").access
                let listed = try await client.call(.get, "/api/v1/deliveries?status=failed", token: admin)
                #expect(listed.items.count == 1 && (listed.items.first?["lastError"] as? String) == "the receiver answered 500")
                let nurseToken = try await client.login("caregiverA").access
                #expect(try await client.call(.get, "/api/v1/deliveries", token: nurseToken).status == 403)
            }
        }
    }

    @Test func theInboxCountsUnreadAndEachPersonSeesOnlyTheirOwn() async throws {
        let fixture = try await Fixture.make()
        let service = NotificationService(database: fixture.database, relay: nil, logger: .init(label: "test"))
        _ = try await Self.desaturate(fixture)
        try await service.runOnce(at: fixture.clock.now())
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            let inbox = try await client.call(.get, "/api/v1/notifications?unread=true", token: nurse)
            #expect(inbox["unread"] as? Int == 1 && inbox.items.count == 1)
            let id = try #require(inbox.items.first?["id"] as? Int64)
            let other = try await client.login("caregiverB").access
            #expect(try await client.call(.get, "/api/v1/notifications", token: other).items.isEmpty)
            #expect(try await client.call(.post, "/api/v1/notifications/\(id)/read", token: other).status == 404)
            #expect(try await client.call(.post, "/api/v1/notifications/\(id)/read", token: nurse)["readAt"] as? String != nil)
            #expect(try await client.call(.get, "/api/v1/notifications?unread=true", token: nurse)["unread"] as? Int == 0)
        }
    }

    @Test func aPatientIsRemindedOfTheirAppointmentOnceADayAndOnceAnHourBefore() async throws {
        let fixture = try await Fixture.make()
        let service = NotificationService(database: fixture.database, relay: nil, logger: .init(label: "test"))
        try await fixture.run { client in
            let nurse = try await AppointmentsAPITests.hours(fixture, client)
            _ = try await AppointmentsAPITests.book(client, nurse, patient: fixture.teamPatient, staff: fixture.accounts["caregiverA"]!,
                                                    type: "clinic-visit", start: "2027-01-18T09:00:00Z")
        }
        let start = try #require(ISO8601DateFormatter().date(from: "2027-01-18T09:00:00Z"))
        let patient = fixture.accounts["patient"]!
        func titles() async throws -> [String] {
            try await fixture.database.notifications(accountID: patient, unreadOnly: false, before: nil, limit: 20).map(\.title).reversed()
        }
        try await service.runOnce(at: fixture.clock.now())
        // Booked by the nurse: the patient hears of it; the nurse, who booked it, does not.
        #expect(try await titles() == ["Appointment booked: clinic visit"])
        #expect(try await fixture.database.notifications(accountID: fixture.accounts["caregiverA"]!, unreadOnly: false, before: nil, limit: 5).isEmpty)
        for time in [start.addingTimeInterval(-86_401), start.addingTimeInterval(-86_400), start.addingTimeInterval(-80_000),
                     start.addingTimeInterval(-3600), start.addingTimeInterval(-60)] {
            try await service.runOnce(at: time)
        }
        #expect(try await titles() == ["Appointment booked: clinic visit", "Reminder: clinic visit within a day", "Reminder: clinic visit within the hour"])
    }

    @Test func aNotificationReachesTheRecipientsLiveSocketAndNobodyElses() async throws {
        let fixture = try await Fixture.make()
        let service = NotificationService(database: fixture.database, relay: nil, logger: .init(label: "test"))
        try await fixture.runLive { client in
            let tokenA = try await client.login("caregiverA").access
            let tokenB = try await client.login("caregiverB").access
            let arrived = ["A": Box<String?>(nil), "B": Box<String?>(nil)]
            let raised = Raised()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (name, token) in [("A", tokenA), ("B", tokenB)] {
                    group.addTask {
                        try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                            var socket = LiveSocket(inbound, outbound)
                            try await socket.hello(token: token)
                            _ = try await socket.until("ready")
                            await raised.arrive()
                            if name == "A" {
                                let message = try #require(try await socket.until("notification").last)
                                let notification = message["notification"] as? [String: Any]
                                arrived[name]?.value = "\(notification?["title"] as? String ?? "") / \(message["unread"] as? Int ?? -1)"
                            } else {
                                // B's first notification is its own patient's alert, raised after A's: never A's.
                                let message = try #require(try await socket.until("notification").last)
                                arrived[name]?.value = "alert \((message["notification"] as? [String: Any])?["alertId"] as? Int64 ?? 0)"
                            }
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                    }
                }
                await raised.waitForArrivals(2)
                _ = try await Self.desaturate(fixture)
                try await service.runOnce(at: fixture.clock.now())
                // Once A has its notification, B's patient desaturates too.
                try await group.next()
                try await fixture.commitReadings(device: "ox-other", patient: fixture.otherPatient, kind: .oxygenSaturation,
                                                 values: Array(repeating: 84, count: 90), start: fixture.clock.now().addingTimeInterval(-90))
                try await service.runOnce(at: fixture.clock.now())
                try await group.waitForAll()
            }
            let other = try #require(try await fixture.database.alerts(in: .all, AlertFilter(), before: nil, limit: 10).first { $0.patientID == fixture.otherPatient })
            #expect(arrived["A"]?.value == "New high-priority alert / 1")
            #expect(arrived["B"]?.value == "alert \(other.id)")
        }
    }

    @Test func theOnCallCaregiverAnEscalationReachesMayActOnTheAlert() async throws {
        let fixture = try await Fixture.make()
        let onCall = fixture.accounts["caregiverB"]!
        // The standard policy stops at tier 2, the admins': a rota of two tiers could never be reached in full.
        await #expect(throws: OnCallError.self) { try await fixture.database.setOnCallRota(OnCallRota(tiers: [[onCall], [onCall]])) }
        try await fixture.database.setOnCallRota(OnCallRota(tiers: [[onCall]]))
        let service = NotificationService(database: fixture.database, relay: nil, logger: .init(label: "test"))
        let alert = try await Self.desaturate(fixture)
        try await service.runOnce(at: fixture.clock.now())
        try await fixture.run { client in
            let token = try await client.login("caregiverB").access
            #expect(try await client.call(.get, "/api/v1/alerts/\(alert.id)", token: token).status == 404, "not on the care team, not yet reached")
        }
        let escalation = try #require(alert.alert.nextEscalationAt)
        try await fixture.database.commitTick(of: fixture.alerting.book, at: escalation, staleAfter: .seconds(3600))
        try await service.runOnce(at: escalation)
        try await fixture.run { client in
            let token = try await client.login("caregiverB").access
            #expect(try await client.call(.get, "/api/v1/alerts/\(alert.id)", token: token).status == 200)
            #expect(try await client.call(.post, "/api/v1/alerts/\(alert.id)/acknowledge", token: token).status == 200)
        }
    }

    @Test func anEscalationIsNotHeldByTheOnCallCaregiversQuietHoursButANoLongerNeededDeliveryIsSkipped() async throws {
        let sink = try await SMTPSink()
        defer { sink.stop() }
        let fixture = try await Fixture.make()
        let (nurse, onCall) = (fixture.accounts["caregiverA"]!, fixture.accounts["caregiverB"]!)
        let allDay = NotificationSettings(email: "x@example.org", quietStart: TimeOfDay("00:00"), quietEnd: TimeOfDay("23:59"))
        try await fixture.database.setNotificationSettings(allDay, accountID: nurse, at: fixture.clock.now())
        var onCallSettings = allDay
        onCallSettings.email = "on.call@example.org"
        try await fixture.database.setNotificationSettings(onCallSettings, accountID: onCall, at: fixture.clock.now())
        try await fixture.database.setOnCallRota(OnCallRota(tiers: [[onCall]]))
        let service = NotificationService(database: fixture.database, relay: SMTPRelay(host: "127.0.0.1", port: sink.port, from: "hub@example.org"),
                                          logger: .init(label: "test"))
        // A technical alert below high priority: the team patient's thermometer's battery runs low.
        let start = fixture.clock.now()
        try await fixture.database.registerDevice("therm", gatewayID: "gw-1", at: start)
        try await fixture.database.assign(device: "therm", to: fixture.teamPatient, since: start)
        try await fixture.database.storeTechnical(at: start) { [alerting = fixture.alerting] in
            alerting.technical.deviceStatus(DeviceStatus(device: "therm", connected: true, batteryPercent: 8, reportedAt: start.millisecondsSince1970),
                                            gatewayID: "gw-1", at: start)
        }
        let alert = try #require(try await fixture.database.alerts(in: .all, AlertFilter(), before: nil, limit: 5).first)
        #expect(alert.alert.priority != .high)
        try await service.runOnce(at: start)
        // Tier 0 during the nurse's quiet hours: held.
        #expect(try await sink.mail(atLeast: 0).isEmpty)
        let escalation = try #require(alert.alert.nextEscalationAt)
        try await fixture.database.storeTechnical(at: escalation) { [alerting = fixture.alerting] in alerting.technical.tick(now: escalation) }
        try await service.runOnce(at: escalation)
        // The on-call caregiver's escalation goes at once, quiet hours or not.
        let mail = try await sink.mail(atLeast: 1)
        #expect(mail.map(\.to) == [["on.call@example.org"]])
        // The alert is acknowledged; when the nurse's quiet hours end, their held notices are no longer sent.
        let acknowledged = try await fixture.alerting.perform(.acknowledge, onAlert: alert.id, by: AlertActor(accountID: nurse, name: "A"), at: escalation)
        #expect(acknowledged.alert.status == .acknowledged)
        try await service.runOnce(at: escalation.addingTimeInterval(86_400))
        let skipped = try await fixture.database.deliveries(status: .skipped, before: nil, limit: 10)
        #expect(!skipped.isEmpty && skipped.allSatisfy { $0.accountID == nurse && $0.lastError == "the alert was acknowledged or resolved before it went" })
        // (A device silent since may have raised an alert of its own meanwhile: its notices do go.)
        let all = try await sink.mail(atLeast: 2)
        #expect(!all.contains { $0.to == ["x@example.org"] && $0.data.contains("(alert \(alert.id))") }, "\(all.map { ($0.to, $0.data.prefix(400)) })")
    }

    @Test func aRescheduledAppointmentIsRemindedOfItsNewTime() async throws {
        let fixture = try await Fixture.make()
        let service = NotificationService(database: fixture.database, relay: nil, logger: .init(label: "test"))
        let id = try await fixture.run { client in
            let nurse = try await AppointmentsAPITests.hours(fixture, client)
            return try #require(try await AppointmentsAPITests.book(client, nurse, patient: fixture.teamPatient, staff: fixture.accounts["caregiverA"]!,
                                                                    type: "clinic-visit", start: "2027-01-18T09:00:00Z")["id"] as? Int64)
        }
        let start = try #require(ISO8601DateFormatter().date(from: "2027-01-18T09:00:00Z"))
        try await service.runOnce(at: start.addingTimeInterval(-3000))
        _ = try await fixture.database.reschedule(id: id, to: start.addingTimeInterval(2 * 3600), actorID: fixture.accounts["caregiverA"]!, reason: nil,
                                                  at: start.addingTimeInterval(-2900))
        try await service.runOnce(at: start.addingTimeInterval(3600 + 60))
        let titles = try await fixture.database.notifications(accountID: fixture.accounts["patient"]!, unreadOnly: false, before: nil, limit: 20).map(\.title)
        #expect(titles.filter { $0 == "Reminder: clinic visit within the hour" }.count == 2)
        #expect(titles.contains("Appointment moved: clinic visit"))
    }

    @Test func webhooksNeverReachTheHubsOwnNetwork() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            for url in ["http://127.0.0.1:1883/", "http://169.254.169.254/latest/meta-data", "http://localhost:8080/x", "http://[::1]/x", "http://10.0.0.5/x"] {
                let answer = try await client.call(.put, "/api/v1/me/notification-settings", token: nurse, body: #"{"webhookUrl": "\#(url)"}"#)
                #expect(answer.status == 422 && answer.errorField == "webhookUrl", "\(url)")
            }
        }
        // A name that resolves inside is refused when the delivery is attempted, for good.
        #expect(WebhookSender.isInternal("192.168.1.20") && WebhookSender.isInternal("::ffff:10.1.2.3") && WebhookSender.isInternal("fd00::1"))
        #expect(!WebhookSender.isInternal("93.184.215.14") && !WebhookSender.isInternal("2606:2800:21f:cb07::1"))
        await #expect(throws: WebhookError.self) {
            try await WebhookSender.send(Array("{}".utf8), to: "http://localhost:9/hook", secret: "s", deliveryID: 1, at: Date(), allowedHosts: [])
        }
        #expect(SMTPRelay.isPlainAddress("silverwatch@localhost.localdomain"))
    }
}
