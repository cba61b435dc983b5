import Foundation
import Hub
import Hummingbird
import Scheduling

/// Appointments: booking into free slots, the lifecycle (confirm, start, complete, cancel, no-show, reschedule)
/// with its history, and lists by time. Who sees and changes which appointment is `Access`'s decision; every read
/// and change is audited for the patient.
struct AppointmentsController {
    let api: APIEnvironment
    var access: Access { Access(api: api) }

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("appointments", use: list)
        group.post("appointments", use: book)
        group.get("appointments/:appointmentId", use: show)
        group.post("appointments/:appointmentId/confirm", use: confirm)
        group.post("appointments/:appointmentId/start", use: start)
        group.post("appointments/:appointmentId/complete", use: complete)
        group.post("appointments/:appointmentId/no-show", use: noShow)
        group.post("appointments/:appointmentId/cancel", use: cancel)
        group.post("appointments/:appointmentId/reschedule", use: reschedule)
    }

    /// Appointments starting from `from` (default: 30 days ago) to `to` (default: a year after `from`), in start order.
    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.Appointment> {
        let session = try context.caller()
        let query = Query(request)
        let limit = try query.int("limit", in: 1...PageRequest.maximumLimit) ?? PageRequest.defaultLimit
        let after = try query.text("cursor").map { cursor -> (Int64, Int64) in
            guard let positions = Cursor.decode(cursor, kind: "a1", count: 2) else { throw APIError.invalid("cursor", "cursor is not one this API gave out") }
            return (positions[0], positions[1])
        }
        let from = try query.date("from") ?? api.now().addingTimeInterval(-30 * 86_400)
        let to = try query.date("to") ?? from.addingTimeInterval(366 * 86_400)
        guard to > from else { throw APIError.invalid("to", "to must be after from") }
        let statuses = try query.text("status").map { text in
            try Set(text.split(separator: ",").map { name in
                guard let status = AppointmentStatus(rawValue: String(name)) else {
                    throw APIError.invalid("status", "status must be a comma-separated list of \(AppointmentStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return status
            })
        }
        // A patient the caller may not see narrows the list to nothing, as for a patient without appointments.
        let records = try await api.database.appointments(in: Access.appointmentScope(session), patientID: try query.id("patientId"), starting: from..<to,
                                                          statuses: statuses, after: after, limit: limit + 1)
        let shown = Array(records.prefix(limit))
        try await api.audit(session, "appointment.list", patients: Set(shown.map(\.patientID)).sorted(), request: request, context: context)
        let next = records.count > limit ? shown.last.map { Cursor.encode(kind: "a1", [$0.start.millisecondsSince1970, $0.id]) } : nil
        return Page(items: shown.map { DTO.Appointment($0, for: session) }, nextCursor: next)
    }

    @Sendable func book(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.Appointment> {
        let session = try context.caller()
        let body = try await request.decodeJSON(DTO.NewAppointment.self, context: context)
        if let note = body.note, note.count > 1000 { throw APIError.invalid("note", "note must be at most 1000 characters") }
        _ = try await access.patient(body.patientId, .book, session, request, context)
        let record: AppointmentRecord
        do {
            record = try await api.database.book(
                Hub.NewAppointment(patientID: body.patientId, staffID: body.staffId, type: body.type, start: body.start, note: body.note,
                                   bookedBy: session.account.id), at: api.now())
        } catch let error as AppointmentError {
            throw APIError(error)
        }
        try await api.audit(session, "appointment.book", patients: [record.patientID], request: request, context: context)
        var headers = HTTPFields()
        headers[.location] = "/api/v1/appointments/\(record.id)"
        return .init(status: .created, headers: headers, response: DTO.Appointment(record, for: session))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> DTO.AppointmentDetail {
        let session = try context.caller()
        let id = try request.id("appointmentId", context: context, of: "appointment")
        guard let (record, history) = try await api.database.appointment(id: id), try await access.maySee(record, session) else {
            throw APIError.notFound("appointment \(id)")
        }
        try await api.audit(session, "appointment.read", patients: [record.patientID], request: request, context: context)
        return DTO.AppointmentDetail(
            appointment: DTO.Appointment(record, for: session),
            history: history.map {
                // A cancellation's reason may be clinical: not for a technician.
                DTO.AppointmentHistoryEntry(id: $0.id, at: $0.at, actorId: $0.actorID, action: $0.action, status: $0.status, start: $0.start, end: $0.end,
                                            reason: session.account.role == .technician ? nil : $0.reason)
            })
    }

    @Sendable func confirm(_ request: Request, context: HubRequestContext) async throws -> DTO.Appointment {
        try await act(request, context, .confirm, reason: nil)
    }

    @Sendable func start(_ request: Request, context: HubRequestContext) async throws -> DTO.Appointment {
        try await act(request, context, .start, reason: nil)
    }

    @Sendable func complete(_ request: Request, context: HubRequestContext) async throws -> DTO.Appointment {
        try await act(request, context, .complete, reason: nil)
    }

    @Sendable func noShow(_ request: Request, context: HubRequestContext) async throws -> DTO.Appointment {
        try await act(request, context, .markNoShow, reason: nil)
    }

    @Sendable func cancel(_ request: Request, context: HubRequestContext) async throws -> DTO.Appointment {
        let body = try await request.decodeJSON(DTO.CancelAppointment.self, context: context)
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else { throw APIError.invalid("reason", "reason must be 1–500 characters") }
        return try await act(request, context, .cancel, reason: reason)
    }

    @Sendable func reschedule(_ request: Request, context: HubRequestContext) async throws -> DTO.Appointment {
        let body = try await request.decodeJSON(DTO.RescheduleAppointment.self, context: context)
        if let reason = body.reason, reason.count > 500 { throw APIError.invalid("reason", "reason must be at most 500 characters") }
        return try await act(request, context, .reschedule, reason: body.reason, to: body.start)
    }

    private func act(_ request: Request, _ context: HubRequestContext, _ action: AppointmentAction, reason: String?,
                     to newStart: Date? = nil) async throws -> DTO.Appointment {
        let session = try context.caller()
        let id = try request.id("appointmentId", context: context, of: "appointment")
        guard let (record, _) = try await api.database.appointment(id: id), try await access.maySee(record, session) else {
            throw APIError.notFound("appointment \(id)")
        }
        try await access.require(action, on: record, session)
        let changed: AppointmentRecord
        do {
            if let newStart {
                changed = try await api.database.reschedule(id: id, to: newStart, actorID: session.account.id, reason: reason, at: api.now())
            } else {
                changed = try await api.database.changeAppointment(id: id, action, actorID: session.account.id, reason: reason, at: api.now())
            }
        } catch let error as AppointmentError {
            throw APIError(error)
        }
        try await api.audit(session, "appointment.\(action.rawValue)", patients: [record.patientID], request: request, context: context)
        return DTO.Appointment(changed, for: session)
    }
}
