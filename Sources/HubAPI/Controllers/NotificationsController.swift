import Foundation
import Hub
import Hummingbird
import Scheduling

/// Each person's inbox, their notification settings (email, webhook, quiet hours, channels per kind), the
/// deliveries made for them, and for admins the failed deliveries of everyone and the on-call rota escalations reach.
struct NotificationsController {
    let api: APIEnvironment

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("notifications", use: list)
        group.post("notifications/read-all", use: readAll)
        group.post("notifications/:notificationId/read", use: read)
        group.get("notifications/:notificationId/deliveries", use: deliveries)
        group.get("me/notification-settings", use: settings)
        group.put("me/notification-settings", use: setSettings)
        group.get("deliveries", use: allDeliveries)
        group.get("on-call", use: onCall)
        group.put("on-call", use: setOnCall)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> DTO.NotificationPage {
        let session = try context.caller()
        let page = try PageRequest(request)
        let unreadOnly = try Query(request).choice("unread", [("true", true), ("false", false)]) ?? false
        let records = try await api.database.notifications(accountID: session.account.id, unreadOnly: unreadOnly, before: page.after, limit: page.limit + 1)
        let result = page.page(records, position: \.id, item: DTO.Notification.init)
        return DTO.NotificationPage(items: result.items, nextCursor: result.nextCursor, unread: try await api.database.unreadNotifications(accountID: session.account.id))
    }

    @Sendable func read(_ request: Request, context: HubRequestContext) async throws -> DTO.Notification {
        let session = try context.caller()
        let id = try request.id("notificationId", context: context, of: "notification")
        guard let record = try await api.database.markNotificationRead(id: id, accountID: session.account.id, at: api.now()) else {
            throw APIError.notFound("notification \(id)")
        }
        return DTO.Notification(record)
    }

    struct Marked: ResponseEncodable { var marked: Int }

    @Sendable func readAll(_ request: Request, context: HubRequestContext) async throws -> Marked {
        let session = try context.caller()
        return Marked(marked: try await api.database.markAllNotificationsRead(accountID: session.account.id, at: api.now()))
    }

    @Sendable func deliveries(_ request: Request, context: HubRequestContext) async throws -> DTO.Deliveries {
        let session = try context.caller()
        let id = try request.id("notificationId", context: context, of: "notification")
        guard try await api.database.notification(id: id, accountID: session.account.id) != nil else { throw APIError.notFound("notification \(id)") }
        return DTO.Deliveries(items: try await api.database.deliveries(notificationID: id).map(DTO.Delivery.init), nextCursor: nil)
    }

    /// Every delivery, newest first, `status=failed` for the failures (admins).
    @Sendable func allDeliveries(_ request: Request, context: HubRequestContext) async throws -> DTO.Deliveries {
        let session = try context.caller()
        try Access.requireAdmin(session)
        let page = try PageRequest(request)
        let status = try Query(request).choice("status", DeliveryRecord.Status.allCases.map { ($0.rawValue, $0) })
        let records = try await api.database.deliveries(status: status, before: page.after, limit: page.limit + 1)
        let result = page.page(records, position: \.id, item: DTO.Delivery.init)
        return DTO.Deliveries(items: result.items, nextCursor: result.nextCursor)
    }

    @Sendable func settings(_ request: Request, context: HubRequestContext) async throws -> DTO.NotificationSettings {
        let session = try context.caller()
        return answer(try await api.database.notificationSettings(accountID: session.account.id), newSecret: nil)
    }

    /// Replaces the caller's settings: what is left out is cleared (no email, no webhook, no quiet hours, every kind
    /// to every channel). A new webhook URL, or `rotateWebhookSecret`, makes a new secret, shown in this answer only.
    @Sendable func setSettings(_ request: Request, context: HubRequestContext) async throws -> DTO.NotificationSettings {
        let session = try context.caller()
        let body = try await request.decodeJSON(DTO.NotificationSettingsChange.self, context: context)
        let current = try await api.database.notificationSettings(accountID: session.account.id)
        var settings = NotificationSettings(timeZone: TimeZone(identifier: "UTC")!)
        if let email = body.email {
            guard SMTPRelay.isPlainAddress(email) else {
                throw APIError.invalid("email", "email must be an address such as nurse@example.org")
            }
            settings.email = email
        }
        var newSecret: String?
        if let url = body.webhookUrl {
            guard url.count <= 2000, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                  let host = parsed.host?.lowercased(), !host.isEmpty else {
                throw APIError.invalid("webhookUrl", "webhookUrl must be an http or https URL")
            }
            // An internal host is refused now if it is written as one; a name resolving to one is refused at delivery.
            let literal = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
            if !api.configuration.webhookAllowedHosts.contains(host),
               host == "localhost" || host.hasSuffix(".localhost") || ((literal.contains(":") || literal.allSatisfy { $0.isNumber || $0 == "." }) && WebhookSender.isInternal(literal)) {
                throw APIError.invalid("webhookUrl", "webhookUrl must be a public address: this hub does not send webhooks into its own network")
            }
            settings.webhookURL = url
            if url != current.webhookURL || body.rotateWebhookSecret == true || current.webhookSecret == nil {
                newSecret = TokenService.randomToken(bytes: 32)
                settings.webhookSecret = newSecret
            } else {
                settings.webhookSecret = current.webhookSecret
            }
        }
        if let quiet = body.quietHours {
            guard let start = TimeOfDay(quiet.start), start.minutes < 1440 else { throw APIError.invalid("quietHours.start", "start must be a time HH:MM") }
            guard let end = TimeOfDay(quiet.end), end.minutes < 1440 else { throw APIError.invalid("quietHours.end", "end must be a time HH:MM") }
            guard end != start else { throw APIError.invalid("quietHours.end", "quiet hours must not start and end at the same time") }
            guard quiet.timeZone.contains("/") || ["UTC", "GMT"].contains(quiet.timeZone), let zone = TimeZone(identifier: quiet.timeZone) else {
                throw APIError.invalid("quietHours.timeZone", "timeZone must be an IANA time zone such as Europe/London")
            }
            (settings.quietStart, settings.quietEnd, settings.timeZone) = (start, end, zone)
        }
        for (name, channels) in body.preferences ?? [:] {
            guard let kind = NotificationKind(rawValue: name) else {
                throw APIError.invalid("preferences.\(name)", "\(name) is not a kind of notification: \(NotificationKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.preferences[kind] = Set(channels)
        }
        try await api.database.setNotificationSettings(settings, accountID: session.account.id, at: api.now())
        try await api.audit(session, "notificationSettings.change", patients: [nil], request: request, context: context)
        settings.updatedAt = api.now()
        return answer(settings, newSecret: newSecret)
    }

    private func answer(_ settings: NotificationSettings, newSecret: String?) -> DTO.NotificationSettings {
        let quiet = zip(settings.quietStart, settings.quietEnd).map { DTO.QuietHours(start: $0.description, end: $1.description, timeZone: settings.timeZone.identifier) }
        return DTO.NotificationSettings(
            email: settings.email, webhookUrl: settings.webhookURL, webhookSecret: newSecret, quietHours: quiet,
            preferences: Dictionary(uniqueKeysWithValues: settings.preferences.map { ($0.key.rawValue, $0.value.sorted { $0.rawValue < $1.rawValue }) }),
            emailAvailable: api.configuration.emailAvailable, updatedAt: settings.updatedAt)
    }

    @Sendable func onCall(_ request: Request, context: HubRequestContext) async throws -> DTO.OnCall {
        let session = try context.caller()
        guard session.account.role != .patient else { throw APIError.forbidden("the on-call rota is the care team's") }
        return DTO.OnCall(tiers: try await api.database.onCallRota().tiers)
    }

    /// Replaces the on-call rota (admins): up to five tiers of active caregivers or admins.
    @Sendable func setOnCall(_ request: Request, context: HubRequestContext) async throws -> DTO.OnCall {
        let session = try context.caller()
        try Access.requireAdmin(session)
        let body = try await request.decodeJSON(DTO.OnCall.self, context: context)
        guard body.tiers.count <= 5, body.tiers.allSatisfy({ $0.count <= 50 }) else { throw APIError.invalid("tiers", "at most 5 tiers of 50 accounts") }
        do {
            try await api.database.setOnCallRota(OnCallRota(tiers: body.tiers))
        } catch AccountError.notACaregiver(let id) {
            throw APIError.invalid("tiers", "account \(id) is not an active caregiver or admin")
        } catch let error as OnCallError {
            throw APIError.invalid("tiers", error.description)
        }
        try await api.audit(session, "onCall.change", patients: [nil], request: request, context: context)
        return body
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
