import Foundation
import Hub
import Hummingbird
import Scheduling

extension DTO {
    struct Notification: ResponseEncodable, Sendable {
        var id: Int64
        var kind: NotificationKind
        var priority: String?
        var title: String
        var body: String
        var alertId: Int64?
        var appointmentId: Int64?
        var tier: Int?
        var createdAt: Date
        var readAt: Date?

        init(_ record: NotificationRecord) {
            id = record.id
            kind = record.kind
            priority = record.priority
            title = record.title
            body = record.body
            alertId = record.alertID
            appointmentId = record.appointmentID
            tier = record.tier
            createdAt = record.createdAt
            readAt = record.readAt
        }
    }

    struct NotificationPage: ResponseEncodable, Sendable {
        var items: [Notification]
        var nextCursor: String?
        /// All the caller's unread notifications, not only this page's.
        var unread: Int
    }

    struct Delivery: Encodable, Sendable {
        var id: Int64
        var notificationId: Int64
        var accountId: Int64
        var channel: NotificationChannel
        var status: DeliveryRecord.Status
        var attempts: Int
        var nextAttemptAt: Date?
        var lastAttemptAt: Date?
        var lastError: String?
        var deliveredAt: Date?
        var createdAt: Date

        init(_ record: DeliveryRecord) {
            id = record.id
            notificationId = record.notificationID
            accountId = record.accountID
            channel = record.channel
            status = record.status
            attempts = record.attempts
            nextAttemptAt = record.nextAttemptAt
            lastAttemptAt = record.lastAttemptAt
            lastError = record.lastError
            deliveredAt = record.deliveredAt
            createdAt = record.createdAt
        }
    }

    struct Deliveries: ResponseEncodable, Sendable {
        var items: [Delivery]
        var nextCursor: String?
    }

    struct QuietHours: Codable, Sendable {
        var start: String
        var end: String
        var timeZone: String
    }

    struct NotificationSettings: ResponseEncodable, Sendable {
        var email: String?
        var webhookUrl: String?
        /// Only in the answer that made it (a new URL, or `rotateWebhookSecret`): the receiver's key to check signatures.
        var webhookSecret: String?
        var quietHours: QuietHours?
        /// Channels per kind; kinds left out go to every channel set up.
        var preferences: [String: [NotificationChannel]]
        /// Whether this hub has a mail relay: without one, nothing is sent by email.
        var emailAvailable: Bool
        var updatedAt: Date?
    }

    struct NotificationSettingsChange: Decodable {
        var email: String?
        var webhookUrl: String?
        var rotateWebhookSecret: Bool?
        var quietHours: QuietHours?
        var preferences: [String: [NotificationChannel]]?

        enum CodingKeys: String, CodingKey { case email, webhookUrl, rotateWebhookSecret, quietHours, preferences }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            email = try container.decodeIfPresent(String.self, forKey: .email)
            webhookUrl = try container.decodeIfPresent(String.self, forKey: .webhookUrl)
            rotateWebhookSecret = try container.decodeUnlessAbsent(Bool.self, forKey: .rotateWebhookSecret)
            quietHours = try container.decodeIfPresent(QuietHours.self, forKey: .quietHours)
            preferences = try container.decodeUnlessAbsent([String: [NotificationChannel]].self, forKey: .preferences)
        }
    }

    struct OnCall: ResponseEncodable, Codable, Sendable {
        /// Account ids reached at escalation tier 1, 2, …; past the end, the admins.
        var tiers: [[Int64]]
    }
}
