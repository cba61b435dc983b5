import Hub
import Hummingbird

/// Who may see and change what, decided here once per resource rather than in each handler.
///
/// A caller who may not see a patient gets 404, the same as for a patient who does not exist, so ids cannot be
/// probed; a role that may never use an endpoint gets 403.
struct Access: Sendable {
    let api: APIEnvironment

    enum PatientAction: String {
        case read = "patient.read"
        case change = "patient.change"
        case readCareTeam = "careTeam.read"
    }

    /// Admins only; 403 for everyone else.
    static func requireAdmin(_ session: SessionState) throws {
        guard session.account.role == .admin else { throw APIError.forbidden("only an admin may do this") }
    }

    /// The patients `session` may see: all for an admin, their care teams' for a caregiver, themself for a patient,
    /// none for a technician.
    static func patientScope(_ session: SessionState) -> PatientScope {
        switch session.account.role {
        case .admin: .all
        case .caregiver: .careTeam(caregiverID: session.account.id)
        case .patient: session.account.patientID.map { .only(patientID: $0) } ?? PatientScope.none
        case .technician: .none
        }
    }

    /// Patient `id` if `session` may do `action` to them; records the access in the audit log.
    func patient(_ id: Int64, _ action: PatientAction, _ session: SessionState, _ request: Request, _ context: HubRequestContext) async throws -> Patient {
        let account = session.account
        switch (account.role, action) {
        case (.technician, _):
            throw APIError.forbidden("technicians see devices and their status, not patient records")
        case (.patient, .change):
            guard account.patientID == id else { throw APIError.notFound("patient \(id)") }
            throw APIError.forbidden("a patient's clinical settings are changed by their care team")
        case (.patient, _):
            guard account.patientID == id else { throw APIError.notFound("patient \(id)") }
        case (.caregiver, _):
            guard try await api.database.isOnCareTeam(caregiverID: account.id, patientID: id) else { throw APIError.notFound("patient \(id)") }
        case (.admin, _):
            break
        }
        guard let patient = try await api.database.patient(id: id) else { throw APIError.notFound("patient \(id)") }
        try await api.audit(session, action.rawValue, patients: [id], request: request, context: context)
        return patient
    }
}
