import Foundation
import Scheduling

/// What a notification is about.
public enum NotificationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// An alert was raised, needs attention again, or escalated to the recipient's tier.
    case alert
    /// An appointment starts soon (a day and an hour before).
    case appointmentReminder = "appointment-reminder"
    /// An appointment was booked, cancelled or moved by someone else.
    case appointmentChange = "appointment-change"
}

/// How a notification leaves the hub besides the inbox (and the live WebSocket, which shows the inbox as it fills).
public enum NotificationChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case email
    case webhook
}

/// One notification in a person's inbox.
public struct NotificationRecord: Sendable, Hashable {
    public var id: Int64
    public var accountID: Int64
    public var kind: NotificationKind
    /// An alert's priority (`high`, `medium`, `low`).
    public var priority: String?
    public var title: String
    public var body: String
    public var alertID: Int64?
    public var appointmentID: Int64?
    /// The escalation tier that reached this person (alerts).
    public var tier: Int?
    public var createdAt: Date
    public var readAt: Date?
}

/// One attempt series at delivering a notification by email or webhook.
public struct DeliveryRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for its first attempt (or for quiet hours to end).
        case pending
        /// An attempt failed; another follows at `nextAttemptAt`.
        case retrying
        case delivered
        /// Every attempt failed, or the channel is not set up any more.
        case failed
        /// Not sent: no longer worth it (`lastError` says why).
        case skipped
    }

    public var id: Int64
    public var notificationID: Int64
    public var accountID: Int64
    public var channel: NotificationChannel
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastAttemptAt: Date?
    public var lastError: String?
    public var deliveredAt: Date?
    public var createdAt: Date
}

/// Where and when a person is reached outside the console.
public struct NotificationSettings: Sendable, Hashable {
    public var email: String?
    public var webhookURL: String?
    /// Signs each webhook delivery (HMAC-SHA256); made by the hub when the URL is set.
    public var webhookSecret: String?
    /// Quiet hours, wall-clock times in `timeZone`: email and webhook deliveries of anything but a high-priority
    /// alert wait until they end. Both or neither.
    public var quietStart: TimeOfDay?
    public var quietEnd: TimeOfDay?
    public var timeZone: TimeZone
    /// Channels per kind; a kind absent uses ``defaultChannels``.
    public var preferences: [NotificationKind: Set<NotificationChannel>]
    public var updatedAt: Date?

    public init(email: String? = nil, webhookURL: String? = nil, webhookSecret: String? = nil, quietStart: TimeOfDay? = nil, quietEnd: TimeOfDay? = nil,
                timeZone: TimeZone = TimeZone(identifier: "UTC")!, preferences: [NotificationKind: Set<NotificationChannel>] = [:], updatedAt: Date? = nil) {
        self.email = email
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.quietStart = quietStart
        self.quietEnd = quietEnd
        self.timeZone = timeZone
        self.preferences = preferences
        self.updatedAt = updatedAt
    }

    /// Every kind to every channel the person has set up.
    public static let defaultChannels: Set<NotificationChannel> = Set(NotificationChannel.allCases)

    /// The channels `kind` goes to, among those set up.
    public func channels(for kind: NotificationKind) -> Set<NotificationChannel> {
        (preferences[kind] ?? Self.defaultChannels).filter {
            switch $0 {
            case .email: email != nil
            case .webhook: webhookURL != nil && webhookSecret != nil
            }
        }
    }

    /// When a delivery made at `now` may go: at once, or at the end of quiet hours. High-priority alerts never wait.
    public func earliestDelivery(at now: Date, urgent: Bool) -> Date {
        guard !urgent, let start = quietStart, let end = quietEnd, start != end else { return now }
        let today = LocalDate(now, in: timeZone)
        // Quiet hours may run over midnight (22:00–07:00): the span that began yesterday or begins today.
        for date in [today.adding(days: -1), today] {
            let from = ZonedTime.instant(date, start, in: timeZone)
            let to = ZonedTime.instant(end > start ? date : date.adding(days: 1), end, in: timeZone)
            if from <= now, now < to { return to }
        }
        return now
    }
}

/// Who is reached at each escalation tier beyond a patient's care team: tier 1 is the on-call rota, the last tier
/// the admins.
public struct OnCallRota: Sendable, Hashable, Codable {
    /// Accounts reached at tier 1, 2, …; a tier past the end (or an empty one) reaches every active admin.
    public var tiers: [[Int64]]

    public init(tiers: [[Int64]]) {
        self.tiers = tiers
    }
}
