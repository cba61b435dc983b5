import Foundation

/// Who a conversation is between, and so who may read and post in it.
public enum ConversationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A patient and their care team (the caregivers on it now).
    case patient
    /// The care team about a patient, without the patient: clinicians discussing, say, an alert.
    case careTeam = "care-team"
    /// Technicians and the care team of the patient a device is assigned to, about the device.
    case device
}

/// A conversation, as stored.
public struct ConversationRecord: Sendable, Hashable {
    public var id: Int64
    public var kind: ConversationKind
    public var title: String
    /// The patient it concerns (patient and care-team conversations; a device conversation's device's patient when made).
    public var patientID: Int64?
    /// The device it concerns (device conversations), by its external id.
    public var deviceID: String?
    /// The alert it was opened from ("discuss this alert").
    public var alertID: Int64?
    public var createdBy: Int64
    public var createdAt: Date
    public var lastMessageAt: Date?

    public init(id: Int64, kind: ConversationKind, title: String, patientID: Int64?, deviceID: String?, alertID: Int64?, createdBy: Int64, createdAt: Date,
                lastMessageAt: Date? = nil) {
        self.id = id
        self.kind = kind
        self.title = title
        self.patientID = patientID
        self.deviceID = deviceID
        self.alertID = alertID
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastMessageAt = lastMessageAt
    }
}

/// A message; an edited or deleted one keeps its earlier text in its revisions, for the audit trail.
public struct MessageRecord: Sendable, Hashable {
    public var id: Int64
    public var conversationID: Int64
    public var senderID: Int64
    public var senderName: String
    /// Empty once deleted.
    public var body: String
    public var createdAt: Date
    public var editedAt: Date?
    public var deletedAt: Date?
}

/// An earlier text of a message and what replaced it.
public struct MessageRevision: Sendable, Hashable {
    public var messageID: Int64
    /// `edit` or `delete`.
    public var action: String
    /// The text before the change.
    public var previousBody: String
    public var at: Date
}

/// How far a person has read a conversation.
public struct ReadReceipt: Sendable, Hashable {
    public var accountID: Int64
    public var displayName: String
    public var lastReadMessageID: Int64
    public var readAt: Date
}

/// Why a chat action was refused.
public enum ChatError: Error, Sendable, Hashable, CustomStringConvertible {
    case conversationNotFound(Int64)
    case messageNotFound(Int64)
    /// Only the sender edits or deletes a message (403).
    case notTheSender
    /// A deleted message cannot be edited (409).
    case deleted
    case patientNotFound(Int64)
    case deviceNotFound(String)

    public var description: String {
        switch self {
        case .conversationNotFound(let id): "there is no conversation \(id)"
        case .messageNotFound(let id): "there is no message \(id)"
        case .notTheSender: "only its sender edits or deletes a message"
        case .deleted: "the message was deleted"
        case .patientNotFound(let id): "there is no patient \(id)"
        case .deviceNotFound(let id): "there is no device \(id)"
        }
    }
}
