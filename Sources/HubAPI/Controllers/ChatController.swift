import Foundation
import Hub
import Hummingbird

extension DTO {
    struct Conversation: ResponseEncodable, Sendable {
        var id: Int64
        var kind: ConversationKind
        var title: String
        var patientId: Int64?
        var deviceId: String?
        var alertId: Int64?
        var createdBy: Int64
        var createdAt: Date
        var lastMessageAt: Date?
        /// The caller's unread messages (not their own, not deleted).
        var unread: Int

        init(_ record: ConversationRecord, unread: Int) {
            id = record.id
            kind = record.kind
            title = record.title
            patientId = record.patientID
            deviceId = record.deviceID
            alertId = record.alertID
            createdBy = record.createdBy
            createdAt = record.createdAt
            lastMessageAt = record.lastMessageAt
            self.unread = unread
        }
    }

    struct ConversationDetail: ResponseEncodable, Sendable {
        var conversation: Conversation
        var readReceipts: [Receipt]
    }

    struct Receipt: Encodable, Sendable {
        var accountId: Int64
        var displayName: String
        var lastReadMessageId: Int64
        var readAt: Date
    }

    struct Conversations: ResponseEncodable, Sendable {
        var items: [Conversation]
    }

    struct NewConversation: Decodable {
        var kind: ConversationKind
        var title: String
        var patientId: Int64?
        var deviceId: String?

        enum CodingKeys: String, CodingKey { case kind, title, patientId, deviceId }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(ConversationKind.self, forKey: .kind)
            title = try container.decode(String.self, forKey: .title)
            patientId = try container.decodeUnlessAbsent(Int64.self, forKey: .patientId)
            deviceId = try container.decodeUnlessAbsent(String.self, forKey: .deviceId)
        }
    }

    struct Message: ResponseEncodable, Sendable {
        var id: Int64
        var conversationId: Int64
        var senderId: Int64
        var senderName: String
        /// Empty once deleted.
        var body: String
        var createdAt: Date
        var editedAt: Date?
        var deletedAt: Date?

        init(_ record: MessageRecord) {
            id = record.id
            conversationId = record.conversationID
            senderId = record.senderID
            senderName = record.senderName
            body = record.body
            createdAt = record.createdAt
            editedAt = record.editedAt
            deletedAt = record.deletedAt
        }
    }

    struct MessageBody: Decodable {
        var body: String
    }

    struct ReadUpTo: Decodable {
        var messageId: Int64
    }

    struct Revision: Encodable, Sendable {
        var action: String
        var previousBody: String
        var at: Date
    }

    struct Revisions: ResponseEncodable, Sendable {
        var messageId: Int64
        var items: [Revision]
    }
}

/// Chat: conversations between a patient and their care team, within the care team about a patient, and between
/// caregivers and technicians about a device; one can be opened from an alert. Only participants (`Access.takesPart`)
/// read or post; messages are paged, pushed live over `/api/v1/live`, carry read receipts and unread counts, and
/// edits and deletions keep the earlier text for the audit trail (admins read it).
struct ChatController {
    let api: APIEnvironment
    var access: Access { Access(api: api) }

    static let longestMessage = 4000

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("conversations", use: list)
        group.post("conversations", use: create)
        group.get("conversations/:conversationId", use: show)
        group.get("conversations/:conversationId/messages", use: messages)
        group.post("conversations/:conversationId/messages", use: post)
        group.patch("conversations/:conversationId/messages/:messageId", use: edit)
        group.delete("conversations/:conversationId/messages/:messageId", use: delete)
        group.get("conversations/:conversationId/messages/:messageId/revisions", use: revisions)
        group.post("conversations/:conversationId/read", use: read)
        group.post("alerts/:alertId/conversation", use: discussAlert)
    }

    /// The conversations the caller takes part in, most recently active first, with unread counts.
    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> DTO.Conversations {
        let session = try context.caller()
        let account = session.account
        let patients = try await api.database.patientIDs(in: Access.patientScope(session))
        let devices: Set<String>? = switch account.role {
        case .technician: nil
        case .caregiver: try await api.database.deviceIDs(assignedTo: patients)
        case .admin, .patient: []
        }
        var mine: [ConversationRecord] = []
        for conversation in try await api.database.conversations(patientIDs: account.role == .admin ? [] : patients, deviceIDs: devices, limit: 500)
        where try await access.takesPart(in: conversation, session) {
            mine.append(conversation)
        }
        let unread = try await api.database.unreadMessages(accountID: account.id, conversationIDs: mine.map(\.id))
        return DTO.Conversations(items: mine.map { DTO.Conversation($0, unread: unread[$0.id] ?? 0) })
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.Conversation> {
        let session = try context.caller()
        let body = try await request.decodeJSON(DTO.NewConversation.self, context: context)
        let title = try Self.title(body.title)
        switch body.kind {
        case .patient, .careTeam:
            guard let patientID = body.patientId else { throw APIError.invalid("patientId", "a \(body.kind.rawValue) conversation names its patientId") }
            guard body.deviceId == nil else { throw APIError.invalid("deviceId", "only a device conversation names a device") }
            _ = try await access.patient(patientID, .read, session, request, context)
        case .device:
            guard let deviceID = body.deviceId else { throw APIError.invalid("deviceId", "a device conversation names its deviceId") }
            guard body.patientId == nil else { throw APIError.invalid("patientId", "a device conversation names its device, not a patient") }
            guard try await api.database.devices(externalIDs: [deviceID]).first != nil else { throw APIError.notFound("device \(deviceID)") }
        }
        return try await start(body.kind, title: title, patientID: body.patientId, deviceID: body.deviceId, alertID: nil, session, request, context)
    }

    /// Opens the conversation about alert `alertId`, or returns the one already opened: among the care team for a
    /// patient's alert, with the technicians for a device's.
    @Sendable func discussAlert(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.Conversation> {
        let session = try context.caller()
        let alert = try await access.alert(try request.id("alertId", context: context, of: "alert"), session)
        if let existing = try await api.database.conversation(alertID: alert.id), try await access.takesPart(in: existing, session) {
            let unread = try await api.database.unreadMessages(accountID: session.account.id, conversationIDs: [existing.id])
            return .init(status: .ok, response: DTO.Conversation(existing, unread: unread[existing.id] ?? 0))
        }
        let title = "Alert \(alert.id): \(alert.alert.cause.description)"
        switch alert.alert.cause {
        case .technical(_, let deviceID):
            return try await start(.device, title: title, patientID: nil, deviceID: deviceID, alertID: alert.id, session, request, context)
        case .rule, .earlyWarningScore, .fall:
            guard let patientID = alert.patientID else { throw APIError.conflict("this alert has no patient to discuss") }
            return try await start(.careTeam, title: title, patientID: patientID, deviceID: nil, alertID: alert.id, session, request, context)
        }
    }

    private func start(_ kind: ConversationKind, title: String, patientID: Int64?, deviceID: String?, alertID: Int64?, _ session: SessionState,
                       _ request: Request, _ context: HubRequestContext) async throws -> EditedResponse<DTO.Conversation> {
        // The one who opens it must take part in it: a patient opens only their own conversation with the team.
        let provisional = ConversationRecord(id: 0, kind: kind, title: title, patientID: patientID, deviceID: deviceID, alertID: alertID,
                                             createdBy: session.account.id, createdAt: api.now())
        guard try await access.takesPart(in: provisional, session) else {
            throw APIError.forbidden("you would not take part in a \(kind.rawValue) conversation")
        }
        let record: ConversationRecord
        do {
            record = try await api.database.createConversation(kind: kind, title: title, patientID: patientID, deviceID: deviceID, alertID: alertID,
                                                               createdBy: session.account.id, at: api.now())
        } catch let error as ChatError {
            throw APIError.notFound(error.description.replacingOccurrences(of: "there is no ", with: ""))
        }
        try await api.audit(session, "chat.open", patients: [record.patientID], request: request, context: context)
        var headers = HTTPFields()
        headers[.location] = "/api/v1/conversations/\(record.id)"
        return .init(status: .created, headers: headers, response: DTO.Conversation(record, unread: 0))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> DTO.ConversationDetail {
        let session = try context.caller()
        let conversation = try await access.conversation(try request.id("conversationId", context: context, of: "conversation"), session)
        let unread = try await api.database.unreadMessages(accountID: session.account.id, conversationIDs: [conversation.id])
        let receipts = try await api.database.readReceipts(conversationID: conversation.id).map {
            DTO.Receipt(accountId: $0.accountID, displayName: $0.displayName, lastReadMessageId: $0.lastReadMessageID, readAt: $0.readAt)
        }
        return DTO.ConversationDetail(conversation: DTO.Conversation(conversation, unread: unread[conversation.id] ?? 0), readReceipts: receipts)
    }

    /// Messages newest first; `cursor` continues to older ones.
    @Sendable func messages(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.Message> {
        let session = try context.caller()
        let conversation = try await access.conversation(try request.id("conversationId", context: context, of: "conversation"), session)
        let page = try PageRequest(request)
        let records = try await api.database.messages(conversationID: conversation.id, before: page.after, limit: page.limit + 1)
        try await api.audit(session, "chat.read", patients: [conversation.patientID], request: request, context: context)
        return page.page(records, position: \.id, item: DTO.Message.init)
    }

    @Sendable func post(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.Message> {
        let session = try context.caller()
        let conversation = try await access.conversation(try request.id("conversationId", context: context, of: "conversation"), session)
        let body = try Self.body(try await request.decodeJSON(DTO.MessageBody.self, context: context).body)
        let message = try await api.database.postMessage(conversationID: conversation.id, senderID: session.account.id, body: body, at: api.now())
        try await api.audit(session, "chat.post", patients: [conversation.patientID], request: request, context: context)
        var headers = HTTPFields()
        headers[.location] = "/api/v1/conversations/\(conversation.id)/messages/\(message.id)"
        return .init(status: .created, headers: headers, response: DTO.Message(message))
    }

    @Sendable func edit(_ request: Request, context: HubRequestContext) async throws -> DTO.Message {
        let body = try Self.body(try await request.decodeJSON(DTO.MessageBody.self, context: context).body)
        return try await revise(request, context, body: body)
    }

    @Sendable func delete(_ request: Request, context: HubRequestContext) async throws -> DTO.Message {
        try await revise(request, context, body: nil)
    }

    private func revise(_ request: Request, _ context: HubRequestContext, body: String?) async throws -> DTO.Message {
        let session = try context.caller()
        let conversation = try await access.conversation(try request.id("conversationId", context: context, of: "conversation"), session)
        let messageID = try request.id("messageId", context: context, of: "message")
        let message: MessageRecord
        do {
            message = try await api.database.reviseMessage(id: messageID, conversationID: conversation.id, by: session.account.id, body: body, at: api.now())
        } catch ChatError.notTheSender {
            throw APIError.forbidden(ChatError.notTheSender.description)
        } catch ChatError.deleted {
            throw APIError.conflict(ChatError.deleted.description)
        } catch ChatError.messageNotFound {
            throw APIError.notFound("message \(messageID)")
        }
        try await api.audit(session, body == nil ? "chat.delete" : "chat.edit", patients: [conversation.patientID], request: request, context: context)
        return DTO.Message(message)
    }

    /// A message's earlier texts (admins, for the audit trail).
    @Sendable func revisions(_ request: Request, context: HubRequestContext) async throws -> DTO.Revisions {
        let session = try context.caller()
        try Access.requireAdmin(session)
        let conversationID = try request.id("conversationId", context: context, of: "conversation")
        let messageID = try request.id("messageId", context: context, of: "message")
        guard let conversation = try await api.database.conversation(id: conversationID),
              try await api.database.messages(conversationID: conversationID, before: messageID + 1, limit: 1).first?.id == messageID else {
            throw APIError.notFound("message \(messageID)")
        }
        try await api.audit(session, "chat.revisions", patients: [conversation.patientID], request: request, context: context)
        return DTO.Revisions(messageId: messageID, items: try await api.database.revisions(messageID: messageID).map {
            DTO.Revision(action: $0.action, previousBody: $0.previousBody, at: $0.at)
        })
    }

    /// A read receipt: the caller has read up to `messageId` (never moves back).
    @Sendable func read(_ request: Request, context: HubRequestContext) async throws -> DTO.ConversationDetail {
        let session = try context.caller()
        let conversation = try await access.conversation(try request.id("conversationId", context: context, of: "conversation"), session)
        let body = try await request.decodeJSON(DTO.ReadUpTo.self, context: context)
        do {
            try await api.database.markConversationRead(conversation.id, accountID: session.account.id, upTo: body.messageId, at: api.now())
        } catch ChatError.messageNotFound {
            throw APIError.invalid("messageId", "message \(body.messageId) is not in this conversation")
        }
        return try await show(request, context: context)
    }

    private static func title(_ text: String) throws -> String {
        let title = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 200 else { throw APIError.invalid("title", "title must be 1–200 characters") }
        return title
    }

    private static func body(_ text: String) throws -> String {
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty, body.count <= longestMessage else { throw APIError.invalid("body", "body must be 1–\(longestMessage) characters") }
        return body
    }
}
