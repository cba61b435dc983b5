import Foundation
import Hub
import Hummingbird
import NIOCore
import Scheduling

/// A person's appointments as an iCalendar feed for their calendar application, behind an unguessable token in the
/// URL (calendar applications cannot sign in). Making a new feed revokes the old URL; deleting it revokes it too.
/// Events carry no names, notes or clinical detail (`ICalendarFeed`).
struct CalendarFeedController {
    let api: APIEnvironment

    /// How far back the feed reaches.
    static let history: TimeInterval = 90 * 86_400

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("me/calendar-feed", use: show)
        group.post("me/calendar-feed", use: create)
        group.delete("me/calendar-feed", use: revoke)
    }

    /// The feed itself, outside `/api/v1` and its sign-in: `GET /calendar/{token}.ics`.
    func publicEndpoints(_ router: Router<HubRequestContext>) {
        router.get("calendar/:feed", use: feed)
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> DTO.CalendarFeed {
        let session = try context.caller()
        let created = try await api.database.calendarFeedCreated(accountID: session.account.id)
        return DTO.CalendarFeed(active: created != nil, createdAt: created, url: nil)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.CalendarFeed> {
        let session = try context.caller()
        let token = TokenService.randomToken(bytes: 32)
        try await api.database.setCalendarFeed(accountID: session.account.id, tokenHash: TokenService.hash(token), at: api.now())
        try await api.audit(session, "calendarFeed.create", patients: [nil], request: request, context: context)
        let base = api.configuration.publicURL ?? "http://\(request.head.authority ?? "localhost")"
        return .init(status: .created, response: DTO.CalendarFeed(active: true, createdAt: api.now(), url: "\(base)/calendar/\(token).ics"))
    }

    @Sendable func revoke(_ request: Request, context: HubRequestContext) async throws -> Response {
        let session = try context.caller()
        guard try await api.database.deleteCalendarFeed(accountID: session.account.id) else { throw APIError.notFound("calendar feed") }
        try await api.audit(session, "calendarFeed.revoke", patients: [nil], request: request, context: context)
        return Response(status: .noContent)
    }

    @Sendable func feed(_ request: Request, context: HubRequestContext) async throws -> Response {
        guard let name = context.parameters.get("feed"), name.hasSuffix(".ics"), name.count > 4,
              let (account, appointments) = try await api.database.calendarFeed(tokenHash: TokenService.hash(String(name.dropLast(4))),
                                                                                 since: api.now().addingTimeInterval(-Self.history)) else {
            throw APIError.notFound("calendar feed")
        }
        let events = appointments.map {
            ICalendarFeed.Event(appointmentID: $0.id, type: $0.type, status: $0.status, start: $0.start, end: $0.end, revision: $0.revision,
                                updatedAt: $0.updatedAt)
        }
        let text = ICalendarFeed(domain: api.configuration.calendarDomain, events: events).text(now: api.now())
        try await api.auditWriter.append([AuditRecord(actorID: account.id, actorRole: account.role, action: "calendarFeed.read",
                                                      patientID: account.patientID, resource: "GET /calendar/(feed)", address: context.clientAddress)],
                                         at: api.now())
        var headers = HTTPFields()
        headers[.contentType] = "text/calendar; charset=utf-8"
        headers[.cacheControl] = "private, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
