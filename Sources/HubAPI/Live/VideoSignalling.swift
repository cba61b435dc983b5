import Foundation
import Hub
import Hummingbird
import HummingbirdWebSocket
import Scheduling
import Synchronization

/// `GET /api/v1/video/{room}`, a WebSocket: the signalling channel of a video consultation, relaying WebRTC offers,
/// answers and ICE candidates between its two participants (the patient and the caregiver) and no one else. The media
/// then flow between the two browsers; the hub never sees them.
///
/// The protocol, JSON text frames:
/// 1. The client sends `{"type": "hello", "token": "<access token>"}` within 10 seconds.
/// 2. The server checks that the caller is the appointment's patient or caregiver and that the room is open (from 30
///    minutes before the start to an hour after the end, while the appointment is scheduled, confirmed or started),
///    then answers `{"type": "ready", "appointmentId", "role": "patient" | "staff", "peerPresent"}`; the other
///    participant, if there, gets `{"type": "peer-joined"}`.
/// 3. `{"type": "offer" | "answer", "sdp": "…"}` and `{"type": "ice", "candidate": {…}}` go to the other participant
///    as sent, with `"from"` added; anything else, or a message with no one to receive it, is answered with
///    `{"type": "error", "message"}`. When a participant leaves, the other gets `{"type": "peer-left"}`; a participant
///    who joins again from elsewhere replaces their earlier connection (closed with `{"type": "closing"}`).
struct VideoSignallingController {
    let api: APIEnvironment

    static let helloTimeout: Duration = .seconds(10)
    /// The room opens this long before the appointment's start…
    static let opensBefore: TimeInterval = 30 * 60
    /// …and closes this long after its end.
    static let closesAfter: TimeInterval = 60 * 60
    /// The largest message relayed (an SDP with many candidates is a few kilobytes).
    static let maximumMessage = 65_536

    func endpoints(_ router: Router<HubRequestContext>) {
        router.ws("api/v1/video/:room") { inbound, outbound, context in
            let room = context.requestContext.parameters.get("room") ?? ""
            try await serve(room, inbound, outbound, context.request, context.requestContext)
        }
    }

    private struct Hello: Decodable {
        var type: String
        var token: String
    }

    /// How often a joined participant's session, appointment and care-team membership are checked again.
    static let recheckInterval: Duration = .seconds(5)

    private enum Finished { case reader, writer, session }

    private func serve(_ room: String, _ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, _ request: Request,
                       _ context: HubRequestContext) async throws {
        let (clientMessages, received) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(256))
        let (toClient, deliver) = AsyncStream.makeStream(of: VideoRooms.Outgoing.self, bufferingPolicy: .bufferingOldest(1024))
        try await withThrowingTaskGroup(of: Finished.self) { group in
            group.addTask {
                for try await message in inbound.messages(maxSize: Self.maximumMessage) {
                    // A client sending faster than its messages are relayed loses its connection, not messages.
                    if case .text(let text) = message, case .dropped = received.yield(text) { break }
                }
                received.finish()
                return .reader
            }
            group.addTask {
                // The only writer of this socket: what the room and this connection's own session send. A `close`
                // is written before the socket closes, so the client learns why.
                for await outgoing in toClient {
                    switch outgoing {
                    case .text(let text): try await outbound.write(.text(text))
                    case .close(let reason):
                        try await outbound.write(.text(VideoRooms.json(["type": "closing", "reason": reason])))
                        try await outbound.close(.policyViolation, reason: reason)
                        return .writer
                    }
                }
                return .writer
            }
            group.addTask {
                try await session(room, clientMessages, deliver, request, context)
                return .session
            }
            // The session ending alone does not end the connection: what it handed the writer goes out first.
            while let finished = try await group.next(), finished == .session {}
            group.cancelAll()
        }
    }

    private func session(_ room: String, _ clientMessages: AsyncStream<String>, _ deliver: AsyncStream<VideoRooms.Outgoing>.Continuation,
                         _ request: Request, _ context: HubRequestContext) async throws {
        func refuse(_ reason: String) {
            deliver.yield(.close(reason))
            deliver.finish()
        }
        guard let helloText = try await SocketHello.first(clientMessages, timeout: Self.helloTimeout),
              let hello = try? JSONDecoder().decode(Hello.self, from: Data(helloText.utf8)), hello.type == "hello" else {
            return refuse("send {\"type\": \"hello\", \"token\": …} first")
        }
        guard let session = try await SocketHello.session(token: hello.token, api) else {
            return refuse("the access token is invalid or its session has ended; sign in again")
        }
        // Only the two participants learn that the room exists.
        guard let appointment = try await api.database.appointment(room: room), let role = try await role(of: session.account, in: appointment) else {
            return refuse("there is no such room, or it is not yours")
        }
        if let reason = Self.closed(appointment, at: api.now()) { return refuse(reason) }
        try await api.audit(session, "video.join", patients: [appointment.patientID], request: request, context: context)

        let member = VideoRooms.Member(deliver: deliver)
        api.videoRooms.join(room, role, member) { peerPresent in
            VideoRooms.json(["type": "ready", "appointmentId": appointment.id, "role": role.rawValue, "peerPresent": peerPresent])
        }
        defer { api.videoRooms.leave(room, role, member) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await relay(room, role, clientMessages, deliver) }
            group.addTask {
                // Whatever ends a participant's right to the room ends their connection: signing out, leaving the
                // care team, the consultation cancelled, or the room's time over.
                while true {
                    try await Task.sleep(for: Self.recheckInterval)
                    let current = try await api.database.appointment(room: room)
                    let reason: String? = if try await SocketHello.activeSession(session.sessionID, api) == nil { "the session has ended" }
                        else if let current, try await self.role(of: session.account, in: current) == role { Self.closed(current, at: api.now()) }
                        else { "the room is no longer yours" }
                    if let reason { return refuse(reason) }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Why the room of `appointment` is closed at `now`, or nil while it is open.
    static func closed(_ appointment: AppointmentRecord, at now: Date) -> String? {
        guard appointment.status.holdsTime else { return "the consultation is \(appointment.status.rawValue)" }
        guard now >= appointment.start.addingTimeInterval(-opensBefore), now <= appointment.end.addingTimeInterval(closesAfter) else {
            return "the room is open from 30 minutes before the consultation to an hour after its end"
        }
        return nil
    }

    private func relay(_ room: String, _ role: VideoRooms.Role, _ clientMessages: AsyncStream<String>,
                       _ deliver: AsyncStream<VideoRooms.Outgoing>.Continuation) async {
        for await text in clientMessages {
            guard var message = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any], let type = message["type"] as? String else {
                deliver.yield(.text(VideoRooms.json(["type": "error", "message": "messages are JSON objects with a type"])))
                continue
            }
            switch type {
            case "offer", "answer":
                guard message["sdp"] is String else {
                    deliver.yield(.text(VideoRooms.json(["type": "error", "message": "an \(type) carries its sdp, a string"])))
                    continue
                }
            case "ice":
                guard message["candidate"] is [String: Any] || message["candidate"] is NSNull else {
                    deliver.yield(.text(VideoRooms.json(["type": "error", "message": "an ice message carries its candidate, an object (or null at the end)"])))
                    continue
                }
            default:
                deliver.yield(.text(VideoRooms.json(["type": "error", "message": "\(type) is not a signalling message: offer, answer or ice"])))
                continue
            }
            message["from"] = role.rawValue
            if !api.videoRooms.relay(room, from: role, VideoRooms.json(message)) {
                deliver.yield(.text(VideoRooms.json(["type": "error", "message": "the other participant has not joined yet"])))
            }
        }
    }

    /// The part `account` takes in `appointment`'s room: its patient, or its caregiver while on the patient's care team.
    func role(of account: Account, in appointment: AppointmentRecord) async throws -> VideoRooms.Role? {
        guard appointment.type == .videoConsultation else { return nil }
        if account.role == .patient, account.patientID == appointment.patientID { return .patient }
        if account.role == .caregiver, account.id == appointment.staffID,
           try await api.database.isOnCareTeam(caregiverID: account.id, patientID: appointment.patientID) { return .staff }
        return nil
    }
}

/// The video rooms with someone in them: each participant's outgoing stream, so that one connection's task can hand
/// a message to the other's writer.
final class VideoRooms: Sendable {
    enum Role: String, Sendable { case patient, staff }

    enum Outgoing: Sendable {
        case text(String)
        case close(String)
    }

    struct Member: Sendable {
        let id = UUID()
        let deliver: AsyncStream<Outgoing>.Continuation
    }

    private let rooms = Mutex<[String: [Role: Member]]>([:])

    /// Puts `member` in `room` as `role`, replacing (and closing) an earlier connection of the same participant, sends
    /// it `ready(peerPresent)`, and tells the other participant.
    ///
    /// `ready` is handed over before the lock is released: were it sent after, a peer joining in between would have
    /// its `peer-joined` reach this member first, and a client reading `ready` saying no peer would wait for ever.
    func join(_ room: String, _ role: Role, _ member: Member, ready: (_ peerPresent: Bool) -> String) {
        let replaced = rooms.withLock { rooms -> Member? in
            let replaced = rooms[room]?[role]
            rooms[room, default: [:]][role] = member
            let peer = rooms[room]?[role.other]
            member.deliver.yield(.text(ready(peer != nil)))
            peer?.deliver.yield(.text(Self.json(["type": "peer-joined"])))
            return replaced
        }
        replaced?.deliver.yield(.close("joined again from elsewhere"))
        replaced?.deliver.finish()
    }

    /// Takes `member` out of `room` (unless a newer connection replaced it) and tells the other participant.
    func leave(_ room: String, _ role: Role, _ member: Member) {
        rooms.withLock { rooms in
            guard rooms[room]?[role]?.id == member.id else { return }
            rooms[room]?[role] = nil
            // Inside the lock, for the order join keeps: a peer never reads "peer-left" before the "peer-joined" it follows.
            rooms[room]?[role.other]?.deliver.yield(.text(Self.json(["type": "peer-left"])))
            if rooms[room]?.isEmpty == true { rooms[room] = nil }
        }
    }

    /// Hands `text` to the other participant of `room`; false when they are not there. A participant too slow to
    /// take what is relayed to them is disconnected rather than sent a conversation with gaps.
    func relay(_ room: String, from role: Role, _ text: String) -> Bool {
        guard let peer = rooms.withLock({ $0[room]?[role.other] }) else { return false }
        if case .dropped = peer.deliver.yield(.text(text)) { peer.deliver.finish() }
        return true
    }

    static func json(_ object: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

extension VideoRooms.Role {
    var other: VideoRooms.Role { self == .patient ? .staff : .patient }
}
