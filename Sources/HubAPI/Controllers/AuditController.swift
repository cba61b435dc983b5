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
        let query = request.uri.queryParameters
        func id(_ name: String) throws -> Int64? {
            guard let text = query[Substring(name)] else { return nil }
            guard let id = Int64(String(text)) else { throw APIError.invalid(name, "\(name) must be an id") }
            return id
        }
        func date(_ name: String) throws -> Date? {
            guard let text = query[Substring(name)] else { return nil }
            guard let date = try? Date(String(text), strategy: .iso8601) else { throw APIError.invalid(name, "\(name) must be an ISO 8601 time") }
            return date
        }
        let filter = AuditFilter(actorID: try id("actorId"), patientID: try id("patientId"), action: query["action"].map(String.init),
                                 from: try date("from"), to: try date("to"))
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
