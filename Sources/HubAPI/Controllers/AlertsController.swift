import Foundation
import Hub
import Hummingbird
import Vitals

/// Alerts: lists and filters, detail with evidence and history, and what people do with them (acknowledge,
/// resolve, snooze, assign); the escalation policy. Who sees which alert is `Access`'s decision; the actions go
/// through the hub's live alerting, so escalation stops the moment an alert is acknowledged.
struct AlertsController {
    let api: APIEnvironment
    var access: Access { Access(api: api) }

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("alerts", use: list)
        group.get("alerts/:alertId", use: show)
        group.post("alerts/:alertId/acknowledge", use: acknowledge)
        group.post("alerts/:alertId/resolve", use: resolve)
        group.post("alerts/:alertId/snooze", use: snooze)
        group.put("alerts/:alertId/assignee", use: assign)
        group.get("alert-policy", use: policy)
        group.put("alert-policy", use: setPolicy)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.Alert> {
        let session = try context.caller()
        let scope = try Access.alertScope(session)
        let page = try PageRequest(request)
        let query = Query(request)
        let filter = AlertFilter(
            patientID: try query.id("patientId"),
            priority: try query.choice("priority", AlarmPriority.allCases.map { ($0.description, $0) }),
            state: try query.choice("state", AlertFilter.State.allCases.map { ($0.rawValue, $0) }),
            category: try query.choice("category", [("physiological", AlertCategory.physiological), ("technical", .technical)]),
            assigneeID: try query.id("assigneeId"), from: try query.date("from"), to: try query.date("to"))
        // Newest first: the cursor is the last id shown, and the next page holds older alerts.
        let records = try await api.database.alerts(in: scope, filter, before: page.after, limit: page.limit + 1)
        let result = page.page(records, position: \.id, item: DTO.Alert.init)
        let patients = Set(records.prefix(page.limit).compactMap(\.patientID)).sorted()
        try await api.audit(session, "alert.list", patients: patients, request: request, context: context)
        return result
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> DTO.AlertDetail {
        let session = try context.caller()
        let record = try await access.alert(try request.id("alertId", context: context, of: "alert"), session)
        let history = try await api.database.alertEvents(alertID: record.id).map {
            DTO.AlertHistoryEntry(id: $0.id, at: $0.at, actorId: $0.actorID, event: DTO.AlertEventView.value(stored: $0.event))
        }
        try await api.audit(session, "alert.read", patients: [record.patientID], request: request, context: context)
        return DTO.AlertDetail(alert: DTO.Alert(record), evidence: DTO.Evidence(record.alert.evidence), history: history)
    }

    @Sendable func acknowledge(_ request: Request, context: HubRequestContext) async throws -> DTO.Alert {
        try await act(request, context, "alert.acknowledge") { _ in .acknowledge }
    }

    @Sendable func resolve(_ request: Request, context: HubRequestContext) async throws -> DTO.Alert {
        try await act(request, context, "alert.resolve") { request in
            let body = try await request.decodeJSON(DTO.ResolveAlert.self, context: context)
            if let note = body.note, note.count > 2000 { throw APIError.invalid("note", "note must be at most 2000 characters") }
            return .resolve(note: body.note)
        }
    }

    @Sendable func snooze(_ request: Request, context: HubRequestContext) async throws -> DTO.Alert {
        try await act(request, context, "alert.snooze") { request in
            .snooze(until: try await request.decodeJSON(DTO.SnoozeAlert.self, context: context).until)
        }
    }

    @Sendable func assign(_ request: Request, context: HubRequestContext) async throws -> DTO.Alert {
        let session = try context.caller()
        let record = try await access.alert(try request.id("alertId", context: context, of: "alert"), session)
        let body = try await request.decodeJSON(DTO.AssignAlert.self, context: context)
        let updated: AlertRecord
        do {
            updated = try await api.alerting.assign(alert: record.id, to: body.accountId, by: actor(session), at: api.now())
        } catch AlertRequestError.notAssignable(let id) {
            throw APIError.invalid("accountId", "account \(id) cannot take this alert: it must be an active caregiver on the patient's care team, or a technician for a device alert")
        } catch let error as AlertTransitionError {
            throw APIError.conflict(error.description)
        }
        try await api.audit(session, "alert.assign", patients: [record.patientID], request: request, context: context)
        return DTO.Alert(updated)
    }

    /// Checks the caller may see the alert, reads the action from the request, performs it, and audits it.
    private func act(_ request: Request, _ context: HubRequestContext, _ auditAction: String,
                     _ readAction: (Request) async throws -> AlertAction) async throws -> DTO.Alert {
        let session = try context.caller()
        let record = try await access.alert(try request.id("alertId", context: context, of: "alert"), session)
        let action = try await readAction(request)
        let updated: AlertRecord
        do {
            updated = try await api.alerting.perform(action, onAlert: record.id, by: actor(session), at: api.now())
        } catch let error as AlertTransitionError {
            switch error {
            case .snoozeNotInFuture, .snoozeTooLong: throw APIError.invalid("until", error.description)
            case .noOpenAlert, .alreadyAcknowledged, .conditionStillPresent: throw APIError.conflict(error.description)
            }
        }
        try await api.audit(session, auditAction, patients: [record.patientID], request: request, context: context)
        return DTO.Alert(updated)
    }

    private func actor(_ session: SessionState) -> AlertActor {
        AlertActor(accountID: session.account.id, name: session.account.displayName)
    }

    @Sendable func policy(_ request: Request, context: HubRequestContext) async throws -> AlertPolicyDocument {
        let session = try context.caller()
        guard session.account.role != .patient else { throw APIError.forbidden("the escalation policy is the care organisation's") }
        return AlertPolicyDocument(api.alerting.book.currentPolicy)
    }

    @Sendable func setPolicy(_ request: Request, context: HubRequestContext) async throws -> AlertPolicyDocument {
        let session = try context.caller()
        try Access.requireAdmin(session)
        let document = try await request.decodeJSON(AlertPolicyDocument.self, context: context)
        do {
            try await api.alerting.setPolicy(document)
        } catch let error as AlertPolicyError {
            throw APIError.invalid(error.field, "\(error.field) \(error.message)")
        }
        try await api.audit(session, "alertPolicy.change", patients: [nil], request: request, context: context)
        return AlertPolicyDocument(api.alerting.book.currentPolicy)
    }
}

extension AlertPolicyDocument: ResponseEncodable {}
