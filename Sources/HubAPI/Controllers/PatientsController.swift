import Foundation
import Hub
import Hummingbird
import NIOCore
import Vitals

/// Patient records and care teams. Who may see which patient is `Access`'s decision; every read and change is audited.
struct PatientsController {
    let api: APIEnvironment
    var access: Access { Access(api: api) }

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("patients", use: list)
        group.post("patients", use: create)
        group.get("patients/:patientId", use: show)
        group.patch("patients/:patientId", use: update)
        group.get("patients/:patientId/care-team", use: careTeam)
        group.put("patients/:patientId/care-team/:caregiverId", use: addToCareTeam)
        group.delete("patients/:patientId/care-team/:caregiverId", use: removeFromCareTeam)
        group.get("patients/:patientId/rules", use: rules)
        group.put("patients/:patientId/rules", use: setRules)
        group.delete("patients/:patientId/rules", use: resetRules)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.Patient> {
        let session = try context.caller()
        guard session.account.role != .technician else { throw APIError.forbidden("technicians see devices and their status, not patient records") }
        let page = try PageRequest(request)
        let patients = try await api.database.patients(in: Access.patientScope(session), after: page.after, limit: page.limit + 1)
        let result = page.page(patients, position: \.id, item: DTO.Patient.init)
        try await api.audit(session, "patient.list", patients: result.items.map(\.id), request: request, context: context)
        return result
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.Patient> {
        let session = try context.caller()
        try Access.requireAdmin(session)
        let body = try await request.decodeJSON(DTO.NewPatient.self, context: context)
        let displayName = try Self.displayName(body.displayName)
        try Self.validate(yearOfBirth: body.yearOfBirth, conditions: body.conditions, spo2Scale: body.news2?.spo2Scale, now: api.now())
        let patient = try await api.database.createPatient(
            displayName: displayName, yearOfBirth: body.yearOfBirth, conditions: body.conditions ?? [], spo2Scale: body.news2?.spo2Scale ?? 1,
            onOxygen: body.news2?.onOxygen ?? false, consciousness: body.news2?.consciousness, at: api.now())
        try await api.alerting.patientChanged(id: patient.id, at: api.now())
        try await api.audit(session, "patient.create", patients: [patient.id], request: request, context: context)
        var headers = HTTPFields()
        headers[.location] = "/api/v1/patients/\(patient.id)"
        return .init(status: .created, headers: headers, response: DTO.Patient(patient))
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> DTO.Patient {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        return DTO.Patient(try await access.patient(id, .read, session, request, context))
    }

    @Sendable func update(_ request: Request, context: HubRequestContext) async throws -> DTO.Patient {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        // The change is checked first, so the audit log records a change only when one is made.
        let body = try await request.decodeJSON(DTO.PatientPatch.self, context: context)
        try Self.validate(yearOfBirth: body.yearOfBirth ?? nil, conditions: body.conditions, spo2Scale: body.news2?.spo2Scale, now: api.now())
        let changes = PatientChanges(
            displayName: try body.displayName.map(Self.displayName), yearOfBirth: body.yearOfBirth, conditions: body.conditions,
            spo2Scale: body.news2?.spo2Scale, onOxygen: body.news2?.onOxygen, consciousness: body.news2?.consciousness)
        _ = try await access.patient(id, .change, session, request, context)
        guard let patient = try await api.database.updatePatient(id: id, changes) else { throw APIError.notFound("patient \(id)") }
        try await api.alerting.patientChanged(id: id, at: api.now())
        return DTO.Patient(patient)
    }

    @Sendable func careTeam(_ request: Request, context: HubRequestContext) async throws -> DTO.CareTeam {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        _ = try await access.patient(id, .readCareTeam, session, request, context)
        let history = try Query(request).choice("history", [("true", true), ("false", false)]) ?? false
        return DTO.CareTeam(patientId: id, members: try await api.database.careTeam(patientID: id, includingPast: history).map(DTO.CareTeamMember.init))
    }

    @Sendable func addToCareTeam(_ request: Request, context: HubRequestContext) async throws -> DTO.CareTeam {
        try await changeCareTeam(request, context, member: true)
    }

    @Sendable func removeFromCareTeam(_ request: Request, context: HubRequestContext) async throws -> DTO.CareTeam {
        try await changeCareTeam(request, context, member: false)
    }

    private func changeCareTeam(_ request: Request, _ context: HubRequestContext, member: Bool) async throws -> DTO.CareTeam {
        let session = try context.caller()
        try Access.requireAdmin(session)
        let id = try request.id("patientId", context: context, of: "patient")
        let caregiverID = try request.id("caregiverId", context: context, of: "caregiver")
        do {
            try await api.database.setCareTeamMember(patientID: id, caregiverID: caregiverID, member: member, at: api.now())
        } catch AccountError.patientNotFound {
            throw APIError.notFound("patient \(id)")
        } catch AccountError.notACaregiver {
            throw APIError.invalid("caregiverId", "account \(caregiverID) is not an active caregiver")
        }
        try await api.audit(session, "careTeam.change", patients: [id], request: request, context: context)
        return DTO.CareTeam(patientId: id, members: try await api.database.careTeam(patientID: id, includingPast: false).map(DTO.CareTeamMember.init))
    }

    @Sendable func rules(_ request: Request, context: HubRequestContext) async throws -> DTO.PatientRules {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        _ = try await access.patient(id, .readRules, session, request, context)
        return try await patientRules(id)
    }

    /// Replaces the patient's overrides with the body, `{"overrides": [...]}` as in a rules file; every problem is a
    /// 422 naming its field (the first in `field`, all in the message).
    @Sendable func setRules(_ request: Request, context: HubRequestContext) async throws -> DTO.PatientRules {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        let body = Array(buffer: try await request.body.collect(upTo: context.maxUploadSize))
        guard let document = try? JSONSerialization.jsonObject(with: Data(body)) else { throw APIError(.badRequest, code: "bad_request", "the body is not valid JSON") }
        guard (document as? [String: Any])?["overrides"] is [Any] else { throw APIError.invalid("overrides", "overrides is required: an array of overrides") }
        do {
            _ = try RuleConfiguration.overrides(fromJSON: body)
        } catch {
            throw APIError(ruleValidation: error)
        }
        _ = try await access.patient(id, .changeRules, session, request, context)
        do {
            try await api.alerting.setRuleOverrides(body, patientID: id, at: api.now())
        } catch let error as RuleValidationError {
            throw APIError(ruleValidation: error)
        }
        return try await patientRules(id)
    }

    @Sendable func resetRules(_ request: Request, context: HubRequestContext) async throws -> DTO.PatientRules {
        let session = try context.caller()
        let id = try request.id("patientId", context: context, of: "patient")
        _ = try await access.patient(id, .changeRules, session, request, context)
        try await api.alerting.setRuleOverrides(nil, patientID: id, at: api.now())
        return try await patientRules(id)
    }

    private func patientRules(_ id: Int64) async throws -> DTO.PatientRules {
        let overrides = try await api.database.ruleOverrides(patientID: id).map { JSONValue(parsing: $0) } ?? .object(["overrides": .array([])])
        return DTO.PatientRules(patientId: id, overrides: overrides, rules: JSONValue(parsing: RuleConfiguration.json(for: api.alerting.rules.rules(for: id))))
    }

    private static func displayName(_ text: String) throws -> String {
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw APIError.invalid("displayName", "displayName must be 1–200 characters") }
        return name
    }

    private static func validate(yearOfBirth: Int?, conditions: [String]?, spo2Scale: Int?, now: Date) throws {
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: now)
        if let yearOfBirth, !(1900...thisYear).contains(yearOfBirth) {
            throw APIError.invalid("yearOfBirth", "yearOfBirth must be from 1900 to \(thisYear)")
        }
        if let conditions, conditions.count > 50 || conditions.contains(where: { $0.isEmpty || $0.count > 200 }) {
            throw APIError.invalid("conditions", "conditions must be at most 50 texts of 1–200 characters")
        }
        if let spo2Scale, !(1...2).contains(spo2Scale) {
            throw APIError.invalid("news2.spo2Scale", "news2.spo2Scale must be 1, or 2 for hypercapnic respiratory failure")
        }
    }
}
