import Foundation
import Hub
import Hummingbird
import Scheduling

/// Caregivers' and technicians' working hours, time off and free slots, and whom a patient can book.
struct AvailabilityController {
    let api: APIEnvironment
    var access: Access { Access(api: api) }

    /// The longest span one slots request may cover.
    static let longestSlotRange: TimeInterval = 31 * 86_400

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("staff/:accountId/availability", use: availability)
        group.put("staff/:accountId/availability", use: setAvailability)
        group.get("staff/:accountId/time-off", use: timeOff)
        group.post("staff/:accountId/time-off", use: addTimeOff)
        group.delete("staff/:accountId/time-off/:timeOffId", use: deleteTimeOff)
        group.get("staff/:accountId/slots", use: slots)
        group.get("patients/:patientId/bookable-staff", use: bookableStaff)
    }

    @Sendable func availability(_ request: Request, context: HubRequestContext) async throws -> DTO.Availability {
        let session = try context.caller()
        let id = try request.id("accountId", context: context, of: "staff member")
        guard session.account.role != .patient else { throw APIError.forbidden("a patient sees free slots, not working hours") }
        let stored: (availability: Availability, updatedAt: Date)?
        do {
            stored = try await api.database.availability(accountID: id)
        } catch let error as AppointmentError {
            throw APIError(error)
        }
        return DTO.Availability(accountId: id, availability: stored?.availability.document, updatedAt: stored?.updatedAt)
    }

    @Sendable func setAvailability(_ request: Request, context: HubRequestContext) async throws -> DTO.Availability {
        let session = try context.caller()
        let id = try request.id("accountId", context: context, of: "staff member")
        try Access.requireSelfOrAdmin(session, id, "a person's hours are set by themself or an admin")
        let document = try await request.decodeJSON(AvailabilityDocument.self, context: context)
        let availability: Availability
        do {
            availability = try Availability(document: document)
        } catch {
            throw APIError.invalid(error.field, error.description)
        }
        do {
            try await api.database.setAvailability(availability, accountID: id, at: api.now())
        } catch let error as AppointmentError {
            throw APIError(error)
        }
        try await api.audit(session, "availability.change", patients: [nil], request: request, context: context)
        return DTO.Availability(accountId: id, availability: availability.document, updatedAt: api.now())
    }

    @Sendable func timeOff(_ request: Request, context: HubRequestContext) async throws -> DTO.TimeOffList {
        let session = try context.caller()
        let id = try request.id("accountId", context: context, of: "staff member")
        try Access.requireSelfOrAdmin(session, id, "a person's time off is theirs and the admins'")
        let since = try Query(request).date("since") ?? api.now()
        guard let account = try await api.database.account(id: id), account.role == .caregiver || account.role == .technician else {
            throw APIError.notFound("staff member \(id)")
        }
        return DTO.TimeOffList(items: try await api.database.timeOff(accountID: account.id, endingAfter: since).map(DTO.TimeOff.init))
    }

    @Sendable func addTimeOff(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.TimeOff> {
        let session = try context.caller()
        let id = try request.id("accountId", context: context, of: "staff member")
        try Access.requireSelfOrAdmin(session, id, "a person's time off is theirs and the admins'")
        let body = try await request.decodeJSON(DTO.NewTimeOff.self, context: context)
        guard body.end > body.start else { throw APIError.invalid("end", "end must be after start") }
        guard body.end.timeIntervalSince(body.start) <= 366 * 86_400 else { throw APIError.invalid("end", "time off lasts at most 366 days") }
        if let reason = body.reason, reason.count > 200 { throw APIError.invalid("reason", "reason must be at most 200 characters") }
        let record: Hub.TimeOff
        do {
            record = try await api.database.addTimeOff(accountID: id, body.start..<body.end, reason: body.reason, at: api.now())
        } catch let error as AppointmentError {
            throw APIError(error)
        }
        try await api.audit(session, "timeOff.add", patients: [nil], request: request, context: context)
        var headers = HTTPFields()
        headers[.location] = "/api/v1/staff/\(id)/time-off/\(record.id)"
        return .init(status: .created, headers: headers, response: DTO.TimeOff(record))
    }

    @Sendable func deleteTimeOff(_ request: Request, context: HubRequestContext) async throws -> Response {
        let session = try context.caller()
        let id = try request.id("accountId", context: context, of: "staff member")
        let timeOffID = try request.id("timeOffId", context: context, of: "time off")
        try Access.requireSelfOrAdmin(session, id, "a person's time off is theirs and the admins'")
        guard try await api.database.deleteTimeOff(id: timeOffID, accountID: id) else { throw APIError.notFound("time off \(timeOffID)") }
        try await api.audit(session, "timeOff.delete", patients: [nil], request: request, context: context)
        return Response(status: .noContent)
    }

    /// Free slots for `type` from `from` (default now) to `to` (default a week later, at most 31 days).
    @Sendable func slots(_ request: Request, context: HubRequestContext) async throws -> DTO.Slots {
        let session = try context.caller()
        let id = try request.id("accountId", context: context, of: "staff member")
        let query = Query(request)
        guard let type = try query.choice("type", AppointmentType.allCases.map { ($0.rawValue, $0) }) else {
            throw APIError.invalid("type", "type is required: one of \(AppointmentType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let from = try query.date("from") ?? api.now()
        let to = try query.date("to") ?? from.addingTimeInterval(7 * 86_400)
        guard to > from else { throw APIError.invalid("to", "to must be after from") }
        guard to.timeIntervalSince(from) <= Self.longestSlotRange else { throw APIError.invalid("to", "one request covers at most 31 days") }
        if session.account.role == .patient {
            // A patient sees the slots of those they could book: their care team, and technicians for device checks.
            guard let patientID = session.account.patientID,
                  try await access.bookableStaff(patientID: patientID).contains(where: { $0.account.id == id && $0.types.contains(type) }) else {
                throw APIError.notFound("staff member \(id)")
            }
        }
        let found: (stored: (availability: Availability, updatedAt: Date)?, slots: [Range<Date>]?)
        do {
            found = (try await api.database.availability(accountID: id), try await api.database.freeSlots(staffID: id, type: type, in: from..<to, now: api.now()))
        } catch let error as AppointmentError {
            throw APIError(error)
        }
        guard let stored = found.stored, let slots = found.slots else { throw APIError.notFound("availability of staff member \(id)") }
        return DTO.Slots(staffId: id, type: type, minutes: stored.availability.length(of: type), timeZone: stored.availability.timeZone.identifier,
                         items: slots.map { DTO.Slot(start: $0.lowerBound, end: $0.upperBound) })
    }

    @Sendable func bookableStaff(_ request: Request, context: HubRequestContext) async throws -> DTO.BookableStaff {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        _ = try await access.patient(id, .book, session, request, context)
        let staff = try await access.bookableStaff(patientID: id)
        return DTO.BookableStaff(patientId: id, items: staff.map {
            DTO.BookableStaffMember(id: $0.account.id, displayName: $0.account.displayName, role: $0.account.role, title: $0.account.title, types: $0.types)
        })
    }
}
