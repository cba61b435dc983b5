import Foundation
import Logging
import ServiceLifecycle

/// Makes notifications from what happened (alert events needing attention, escalations to the next tier,
/// appointment changes and reminders) and delivers them by email and webhook, retrying with backoff; every attempt
/// is recorded on its delivery. Runs every second; `runOnce(at:)` is one pass, for tests with their own clock.
public struct NotificationService: Service {
    let database: AppDatabase
    let relay: SMTPRelay?
    /// Webhook hosts allowed although internal (a receiver on the hub's own network, or a test's on loopback).
    let allowedWebhookHosts: Set<String>
    let logger: Logger
    let interval: Duration
    let now: @Sendable () -> Date
    /// Deliveries attempted at once (a slow webhook does not hold up an urgent email).
    static let concurrentDeliveries = 8

    public init(database: AppDatabase, relay: SMTPRelay?, allowedWebhookHosts: Set<String> = [], logger: Logger, interval: Duration = .seconds(1),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.relay = relay
        self.allowedWebhookHosts = Set(allowedWebhookHosts.map { $0.lowercased() })
        self.logger = logger
        self.interval = interval
        self.now = now
    }

    /// Two loops, so that slow receivers never hold up making notifications: one makes them every `interval`, the
    /// other delivers what is due.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await loop("making notifications") { try await database.makeNotifications(at: now(), emailAvailable: relay != nil) } }
            group.addTask { await loop("delivering notifications") { _ = try await deliverDue(at: now()) } }
            try await group.waitForAll()
        }
    }

    private func loop(_ what: String, _ pass: @Sendable () async throws -> Void) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await pass()
            } catch {
                logger.error("\(what) failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// One pass of both: make what is due, then attempt every delivery due at `time`. Returns the deliveries attempted.
    @discardableResult
    public func runOnce(at time: Date) async throws -> Int {
        try await database.makeNotifications(at: time, emailAvailable: relay != nil)
        return try await deliverDue(at: time)
    }

    /// Attempts the deliveries due at `time`, at most ``concurrentDeliveries`` at once; how many.
    func deliverDue(at time: Date) async throws -> Int {
        let due = try await database.dueDeliveries(at: time, limit: 200)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, item) in due.enumerated() {
                if index >= Self.concurrentDeliveries { try await group.next() }
                group.addTask { try await deliver(item.delivery, item.notification, item.settings, at: time) }
            }
            try await group.waitForAll()
        }
        return due.count
    }

    private func deliver(_ delivery: DeliveryRecord, _ notification: NotificationRecord, _ settings: NotificationSettings, at time: Date) async throws {
        var failure: (String, Bool)?
        do {
            switch delivery.channel {
            case .email:
                guard let relay else { throw SMTPError(description: "no mail relay is configured (--smtp-host)", permanent: true) }
                guard let address = settings.email else { throw SMTPError(description: "the recipient has no email address any more", permanent: true) }
                try await SMTPClient.send(to: address, subject: "SilverWatch: \(notification.title)", body: Self.emailBody(notification),
                                          messageID: "delivery-\(delivery.id).\(Int64(time.timeIntervalSince1970))@\(relay.heloName)", date: time, relay: relay)
            case .webhook:
                guard let url = settings.webhookURL, let secret = settings.webhookSecret else {
                    throw WebhookError(description: "the recipient has no webhook any more", permanent: true)
                }
                try await WebhookSender.send(Self.webhookBody(delivery, notification), to: url, secret: secret, deliveryID: delivery.id, at: time,
                                             allowedHosts: allowedWebhookHosts)
            }
        } catch let error as SMTPError {
            failure = (error.description, error.permanent)
        } catch let error as WebhookError {
            failure = (error.description, error.permanent)
        } catch {
            failure = ("\(error)", false)
        }
        if let (message, permanent) = failure {
            logger.warning("notification delivery failed", metadata: [
                "delivery": "\(delivery.id)", "channel": "\(delivery.channel.rawValue)", "attempt": "\(delivery.attempts + 1)", "error": "\(message)",
            ])
            try await database.recordDeliveryAttempt(id: delivery.id, error: message, permanent: permanent, at: time)
        } else {
            try await database.recordDeliveryAttempt(id: delivery.id, error: nil, at: time)
        }
    }

    static func emailBody(_ notification: NotificationRecord) -> String {
        """
        \(notification.body)

        You receive this because of your notification settings in SilverWatch; change them there.
        """
    }

    /// The webhook's JSON: the notification without patient data, as the inbox holds it.
    static func webhookBody(_ delivery: DeliveryRecord, _ notification: NotificationRecord) -> [UInt8] {
        var object: [String: Any] = [
            "deliveryId": delivery.id, "notificationId": notification.id, "accountId": notification.accountID, "kind": notification.kind.rawValue,
            "title": notification.title, "body": notification.body, "createdAt": notification.createdAt.formatted(.iso8601),
        ]
        if let priority = notification.priority { object["priority"] = priority }
        if let alertID = notification.alertID { object["alertId"] = alertID }
        if let appointmentID = notification.appointmentID { object["appointmentId"] = appointmentID }
        if let tier = notification.tier { object["tier"] = tier }
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }
}
