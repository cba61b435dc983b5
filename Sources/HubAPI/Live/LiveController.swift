import Foundation
import Hub
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOWebSocket
import Vitals

/// `GET /api/v1/live`, a WebSocket: new and changed alerts, device status and latest vitals, each only to whoever may
/// see it, pushed as the hub stores them.
///
/// The protocol, JSON text frames:
/// 1. The client sends `{"type": "hello", "token": "<access token>", "cursor": "<the last alert cursor it saw>"}`
///    within 10 seconds (a token in the first message, not the URL, stays out of logs). `cursor` is optional.
/// 2. The server replays the alert changes after `cursor` the caller may see (`{"type": "alert", …}`, at most 5,000
///    before `ready`, the rest just after), then sends `{"type": "ready", "cursor": …}`, then pushes live: `alert` (with `cursor`, the alert as it now is and the
///    history event), `device` (a device's status), `vitals` (a patient's latest vitals with NEWS2) and `notification`
///    (the caller's own, as their inbox fills), and `message` (a chat message in a conversation the caller takes part in).
/// 3. A client that reconnects sends the cursor of the last alert message it received and misses nothing.
///
/// The socket is closed (policy violation) when the session ends: logout, deactivation, or a revoked session.
struct LiveController {
    let api: APIEnvironment

    /// How long the server waits for `hello`.
    static let helloTimeout: Duration = .seconds(10)
    /// How often the caller's session and what they may see are checked again.
    static let recheckInterval: Duration = .seconds(5)
    /// How often the server says it is still there when nothing else was sent: a client that hears nothing for a few
    /// of these knows its connection is dead (a NAT that forgot it, a laptop that slept) although no close came.
    static let heartbeatInterval: Duration = .seconds(15)
    /// At most this many alert changes are sent at once; after a long absence the rest follow `ready` (which says
    /// `truncated`), at the next polls.
    static let replayLimit = 5000

    func endpoints(_ router: Router<HubRequestContext>) {
        router.ws("api/v1/live") { inbound, outbound, context in
            try await serve(inbound, outbound, context.request, context.requestContext)
        }
    }

    private struct Hello: Decodable {
        var type: String
        var token: String
        var cursor: String?
    }

    private func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, _ request: Request, _ context: HubRequestContext) async throws {
        // Only `hello` is read; what the client sends later is dropped, never queued.
        let (clientMessages, received) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Everything the client sends after `hello` is ignored; the stream ends when the client goes.
                for try await message in inbound.messages(maxSize: 16_384) {
                    if case .text(let text) = message { received.yield(text) }
                }
                received.finish()
            }
            group.addTask { try await session(clientMessages, outbound, request, context) }
            try await group.next()
            group.cancelAll()
        }
    }

    private func session(_ clientMessages: AsyncStream<String>, _ outbound: WebSocketOutboundWriter, _ request: Request,
                         _ context: HubRequestContext) async throws {
        let encoder = APIJSON.encoder()
        func send(_ message: any Encodable) async throws {
            try await outbound.write(.text(String(decoding: try encoder.encode(message), as: UTF8.self)))
        }
        func refuse(_ reason: String) async throws {
            try await send(LiveMessage.Closing(reason: reason))
            try await outbound.close(.policyViolation, reason: reason)
        }

        // 1. hello, with a valid token of a live session.
        let helloText = try await SocketHello.first(clientMessages, timeout: Self.helloTimeout)
        guard let helloText, let hello = try? JSONDecoder().decode(Hello.self, from: Data(helloText.utf8)), hello.type == "hello" else {
            return try await refuse("send {\"type\": \"hello\", \"token\": …} first")
        }
        guard var session = try await SocketHello.session(token: hello.token, api) else {
            return try await refuse("the access token is invalid or its session has ended; sign in again")
        }
        var cursor: Int64?
        if let text = hello.cursor {
            guard let position = PageRequest.position(of: text) else { return try await refuse("cursor is not one this hub gave out") }
            cursor = position
        }

        // 2. What the caller may see; subscribe before replaying, so nothing falls between the two.
        var visibility = try await Visibility.load(api, session)
        try await api.audit(session, "live.subscribe", patients: visibility.patients.sorted(), request: request, context: context)
        let (id, changes) = api.liveFeed.subscribe()
        defer { api.liveFeed.unsubscribe(id) }
        var lastAlertEvent = try await api.database.lastAlertEventID()
        var lastNotification = try await api.database.lastNotificationID(accountID: session.account.id)
        var lastMessage = try await api.database.lastMessageID()
        var truncated = false
        // A cursor past the newest change was given out by another database (one restored from a backup, say):
        // resuming from it would skip every change until the ids caught up. The client starts afresh instead.
        let resumed = cursor.map { $0 <= lastAlertEvent } ?? false
        if let cursor, resumed {
            lastAlertEvent = cursor
            truncated = try await sendAlertChanges(after: &lastAlertEvent, visibility, send)
        }
        try await send(LiveMessage.Ready(cursor: PageRequest.cursor(for: lastAlertEvent), truncated: truncated, resumed: resumed,
                                         role: session.account.role, patients: visibility.patients.sorted()))

        // 3. Live, checking the session and the care team every few seconds.
        var lastCheck = ContinuousClock.now
        var lastHeartbeat = ContinuousClock.now
        for await batch in changes {
            if ContinuousClock.now - lastHeartbeat >= Self.heartbeatInterval {
                lastHeartbeat = ContinuousClock.now
                try await send(LiveMessage.Heartbeat(at: api.now()))
            }
            if ContinuousClock.now - lastCheck >= Self.recheckInterval {
                lastCheck = ContinuousClock.now
                guard let current = try await api.database.activeSession(id: session.sessionID, idleLimit: api.configuration.sessionIdleLimit,
                                                                          at: api.now()) else {
                    return try await refuse("the session has ended")
                }
                session = current
                let previous = visibility.patients
                visibility = try await Visibility.load(api, session)
                let added = visibility.patients.subtracting(previous)
                if !added.isEmpty {
                    try await api.audit(session, "live.subscribe", patients: added.sorted(), request: request, context: context)
                }
            }
            // Alert changes come from the database after the last one sent, at every poll: a slow client whose
            // stream dropped batches, or a change stored between the replay and the subscription, misses none.
            _ = try await sendAlertChanges(after: &lastAlertEvent, visibility, send)
            for change in batch { try await push(change, visibility, send) }
            // The caller's own inbox as it fills, read after their last one like the alert changes.
            let notifications = try await api.database.notifications(accountID: session.account.id, after: lastNotification, limit: 100)
            if let last = notifications.last {
                lastNotification = last.id
                let unread = try await api.database.unreadNotifications(accountID: session.account.id)
                for notification in notifications { try await send(LiveMessage.NotificationArrived(notification: DTO.Notification(notification), unread: unread)) }
            }
            // New chat messages of the conversations the caller takes part in.
            let messages = try await api.database.messages(after: lastMessage, limit: 200)
            if let last = messages.last {
                lastMessage = last.id
                var takesPart: [Int64: Bool] = [:]
                for message in messages {
                    if takesPart[message.conversationID] == nil {
                        let conversation = try await api.database.conversation(id: message.conversationID)
                        takesPart[message.conversationID] = try await conversation.asyncMap { try await Access(api: api).takesPart(in: $0, session) } ?? false
                    }
                    if takesPart[message.conversationID] == true { try await send(LiveMessage.MessagePosted(message: DTO.Message(message))) }
                }
            }
        }
    }

    /// Sends the alert changes after `cursor` the caller may see, at most ``replayLimit``, and moves `cursor` past
    /// them; true when more follow (they are sent at the next poll).
    private func sendAlertChanges(after cursor: inout Int64, _ visibility: Visibility, _ send: (any Encodable) async throws -> Void) async throws -> Bool {
        let changes = try await api.database.alertChanges(after: cursor, limit: Self.replayLimit + 1)
        for change in changes.prefix(Self.replayLimit) {
            guard case .alert(let eventID, _, _, _, _) = change else { continue }
            cursor = eventID
            try await push(change, visibility, send)
        }
        return changes.count > Self.replayLimit
    }

    /// Sends `change` if the caller may see it.
    private func push(_ change: LiveChange, _ visibility: Visibility, _ send: (any Encodable) async throws -> Void) async throws {
        switch change {
        case .alert(let eventID, let alertID, let patientID, let category, _):
            guard visibility.maySee(alertOf: patientID, category: category),
                  let record = try await api.database.alert(id: alertID, in: .all),
                  let event = try await api.database.alertEvent(id: eventID) else { return }
            try await send(LiveMessage.AlertChange(cursor: PageRequest.cursor(for: eventID), at: event.at, event: DTO.AlertEventView.value(stored: event.event),
                                                   actorId: event.actorID, alert: DTO.Alert(record)))
        case .device(let externalID):
            guard let device = try await api.database.devices(externalIDs: [externalID]).first, visibility.maySee(device: device) else { return }
            let conditions = try await api.database.openTechnicalConditions()[externalID] ?? []
            try await send(LiveMessage.DeviceChange(device: DTO.Device(device, openConditions: conditions, limits: FleetController.limits, at: api.now())))
        case .vitals(let patientID):
            guard visibility.patients.contains(patientID), let patient = try await api.database.patient(id: patientID) else { return }
            let readings = try await api.database.latestReadings(patientIDs: [patientID])[patientID] ?? []
            try await send(LiveMessage.VitalsChange(vitals: DTO.LatestVitals(patient: patient, readings: readings, at: api.now())))
        }
    }
}

/// What one connected caller may see, by the same rules as the rest of the API.
struct Visibility {
    var role: Role
    var patients: Set<Int64>
    /// `Access.alertScope`'s answer; nil for a patient, who sees no alerts.
    var alerts: AlertScope?

    static func load(_ api: APIEnvironment, _ session: SessionState) async throws -> Visibility {
        Visibility(role: session.account.role, patients: try await api.database.patientIDs(in: Access.patientScope(session)),
                   alerts: try? Access.alertScope(session))
    }

    /// By `Access.alertScope`, the rule the alert lists follow.
    func maySee(alertOf patientID: Int64?, category: AlertCategory) -> Bool {
        alerts?.includes(patientID: patientID, category: category, careTeam: patients) ?? false
    }

    /// As the device list: admins and technicians every device, caregivers their patients', patients none.
    func maySee(device: DeviceSummary) -> Bool {
        switch role {
        case .admin, .technician: true
        case .caregiver: device.patientID.map(patients.contains) ?? false
        case .patient: false
        }
    }
}

/// The messages the server sends.
enum LiveMessage {
    struct Ready: Encodable {
        var type = "ready"
        /// Resume from here after a reconnect.
        var cursor: String
        /// More alert changes were missed than replayed before this message: they follow it.
        var truncated: Bool
        /// The hello's cursor was honoured: what was missed since it was replayed. False without a cursor, or for a
        /// cursor this database never reached; the client then reloads what it shows.
        var resumed: Bool
        var role: Role
        /// The patients whose alerts and vitals this socket carries.
        var patients: [Int64]
    }

    struct MessagePosted: Encodable {
        var type = "message"
        var message: DTO.Message
    }

    struct NotificationArrived: Encodable {
        var type = "notification"
        var notification: DTO.Notification
        /// The caller's unread notifications, this one included.
        var unread: Int
    }

    struct AlertChange: Encodable {
        var type = "alert"
        var cursor: String
        var at: Date
        var event: JSONValue
        var actorId: Int64?
        var alert: DTO.Alert
    }

    struct DeviceChange: Encodable {
        var type = "device"
        var device: DTO.Device
    }

    struct VitalsChange: Encodable {
        var type = "vitals"
        var vitals: DTO.LatestVitals
    }

    struct Heartbeat: Encodable {
        var type = "heartbeat"
        var at: Date
    }

    struct Closing: Encodable {
        var type = "closing"
        var reason: String
    }
}

extension Optional {
    func asyncMap<Result>(_ transform: (Wrapped) async throws -> Result) async rethrows -> Result? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
