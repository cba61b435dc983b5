import Scheduling
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
        case readRules = "rules.read"
        case readVitals = "vitals.read"
        case exportFHIR = "fhir.export"
        case changeRules = "rules.change"
        case book = "appointment.bookFor"
    }

    /// Admins only; 403 for everyone else.
    static func requireAdmin(_ session: SessionState) throws {
        guard session.account.role == .admin else { throw APIError.forbidden("only an admin may do this") }
    }

    /// The caller themself or an admin; 403 for anyone else, with `why`.
    static func requireSelfOrAdmin(_ session: SessionState, _ accountID: Int64, _ why: String) throws {
        guard session.account.role == .admin || session.account.id == accountID else { throw APIError.forbidden(why) }
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
        case (.patient, .change), (.patient, .changeRules):
            guard account.patientID == id else { throw APIError.notFound("patient \(id)") }
            throw APIError.forbidden("a patient's clinical settings are changed by their care team")
        case (.patient, .readRules):
            guard account.patientID == id else { throw APIError.notFound("patient \(id)") }
            throw APIError.forbidden("alert rules are the care team's")
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

    /// The alerts `session` may see: all for an admin, their patients' for a caregiver (their devices' technical
    /// alerts included), technical ones for a technician; a patient's alerts are their care team's to handle (403).
    static func alertScope(_ session: SessionState) throws -> AlertScope {
        switch session.account.role {
        case .admin: .all
        case .caregiver: .careTeam(caregiverID: session.account.id)
        case .technician: .technical
        case .patient: throw APIError.forbidden("alerts go to the care team")
        }
    }

    /// Alert `id` if `session` may see it (404 when not, as for no such alert): one in their scope, or an open one
    /// whose escalation reached them. Not audited here: the caller audits what it did with it, once done.
    func alert(_ id: Int64, _ session: SessionState) async throws -> AlertRecord {
        if let record = try await api.database.alert(id: id, in: try Self.alertScope(session)) { return record }
        // An escalation reached someone off the care team (the on-call rota): they may see and act on that alert
        // while it is open.
        if try await api.database.wasNotified(accountID: session.account.id, alertID: id),
           let record = try await api.database.alert(id: id, in: .all), record.alert.isOpen {
            return record
        }
        throw APIError.notFound("alert \(id)")
    }
}

extension Access {
    /// The appointments `session` lists: all for an admin, those of their care teams' patients for a caregiver, their
    /// own for a technician and for a patient.
    static func appointmentScope(_ session: SessionState) -> AppointmentScope {
        switch session.account.role {
        case .admin: .all
        case .caregiver: .careTeam(caregiverID: session.account.id)
        case .technician: .staff(session.account.id)
        case .patient: .patient(session.account.patientID ?? 0)
        }
    }

    /// Whether `session` may see `record`: an admin, its patient, its technician, or a caregiver on its patient's
    /// care team now (the caregiver it is with included: one who left the team no longer sees it).
    func maySee(_ record: AppointmentRecord, _ session: SessionState) async throws -> Bool {
        let account = session.account
        switch account.role {
        case .admin: return true
        case .patient: return account.patientID == record.patientID
        case .technician: return record.staffID == account.id
        case .caregiver:
            return try await api.database.isOnCareTeam(caregiverID: account.id, patientID: record.patientID)
        }
    }

    /// Refuses (403) an action on a visible appointment that the caller's part in it does not allow: starting,
    /// completing and recording a no-show are for the person it is with (or an admin); confirming, cancelling and
    /// rescheduling for anyone who may see it.
    func require(_ action: AppointmentAction, on record: AppointmentRecord, _ session: SessionState) throws {
        switch action {
        case .start, .complete, .markNoShow:
            guard session.account.role == .admin || session.account.id == record.staffID else {
                throw APIError.forbidden("only the person the appointment is with records how it went")
            }
        case .confirm, .cancel, .reschedule:
            break
        }
    }

    /// Whom patient `patientID` can book, and for what: the active caregivers on their care team (visits and video
    /// consultations) and every active technician (device checks).
    func bookableStaff(patientID: Int64) async throws -> [(account: Account, types: [AppointmentType])] {
        let caregivers = try await api.database.careTeam(patientID: patientID, includingPast: false).map(\.caregiver).filter(\.active)
        let technicians = try await api.database.accounts(role: .technician, after: nil, limit: 1000).filter(\.active)
        return caregivers.map { ($0, AppointmentType.allCases.filter { !$0.needsTechnician }) }
            + technicians.map { ($0, AppointmentType.allCases.filter(\.needsTechnician)) }
    }
}
