import Foundation
import Hub
import Hummingbird

/// The audit log, for admins: entries filtered by actor, patient, action and time, and a check of the hash chain.
struct AuditController {
    let api: APIEnvironment

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("audit", use: list)
        group.get("audit/verification", use: verify)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.AuditEntry> {
        try Access.requireAdmin(try context.caller())
        let page = try PageRequest(request)
        let query = Query(request)
        let filter = AuditFilter(actorID: try query.id("actorId"), patientID: try query.id("patientId"), action: query.text("action"),
                                 from: try query.date("from"), to: try query.date("to"))
        // Newest first: the cursor is the last id shown, and the next page holds older entries.
        let entries = try await api.database.auditEntries(filter, before: page.after, limit: page.limit + 1)
        return page.page(entries, position: \.id, item: DTO.AuditEntry.init)
    }

    @Sendable func verify(_ request: Request, context: HubRequestContext) async throws -> DTO.AuditVerification {
        try Access.requireAdmin(try context.caller())
        let result = try await api.database.verifyAuditChain()
        return DTO.AuditVerification(intact: result.isIntact, entriesChecked: result.entriesChecked, firstBrokenId: result.firstBrokenID)
    }
}
