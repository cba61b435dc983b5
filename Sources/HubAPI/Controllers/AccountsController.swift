import Foundation
import Hub
import Hummingbird

/// Accounts, for admins: create, list, look at, deactivate, unlock; and who is locked out of signing in.
struct AccountsController {
    let api: APIEnvironment

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.get("accounts", use: list)
        group.post("accounts", use: create)
        group.get("accounts/:accountId", use: show)
        group.post("accounts/:accountId/deactivate", use: deactivate)
        group.post("accounts/:accountId/unlock", use: unlock)
        group.get("login-locks", use: loginLocks)
    }

    @Sendable func list(_ request: Request, context: HubRequestContext) async throws -> Page<DTO.Account> {
        try Access.requireAdmin(try context.caller())
        let page = try PageRequest(request)
        var role: Role?
        if let text = request.uri.queryParameters["role"] {
            guard let value = Role(rawValue: String(text)) else { throw APIError.invalid("role", "role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
            role = value
        }
        let accounts = try await api.database.accounts(role: role, after: page.after, limit: page.limit + 1)
        return page.page(accounts, position: \.id, item: DTO.Account.init)
    }

    @Sendable func create(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.Account> {
        let session = try context.caller()
        try Access.requireAdmin(session)
        let body = try await request.decodeJSON(DTO.NewAccount.self, context: context)
        guard body.username.count >= 3, body.username.count <= 64,
              body.username.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "._-@".unicodeScalars.contains($0) })
        else { throw APIError.invalid("username", "username must be 3–64 letters, digits or . _ - @") }
        let displayName = body.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !displayName.isEmpty, displayName.count <= 200 else { throw APIError.invalid("displayName", "displayName must be 1–200 characters") }
        switch (body.role, body.patientId) {
        case (.patient, nil): throw APIError.invalid("patientId", "a patient account needs the patientId of its patient record")
        case (.patient, _), (_, nil): break
        case (_, .some): throw APIError.invalid("patientId", "only a patient account is linked to a patient record")
        }
        if body.title != nil, body.role != .caregiver { throw APIError.invalid("title", "only caregivers have a title") }
        try validatePassword(body.password, field: "password", minimumLength: api.configuration.minimumPasswordLength)
        let new = NewAccount(username: body.username, displayName: displayName, role: body.role, title: body.title, patientID: body.patientId)
        do {
            let account = try await api.database.createAccount(new, passwordHash: try await api.passwords.hash(body.password), at: api.now())
            try await api.audit(session, "account.create", patients: [account.patientID], request: request, context: context)
            var headers = HTTPFields()
            headers[.location] = "/api/v1/accounts/\(account.id)"
            return .init(status: .created, headers: headers, response: DTO.Account(account))
        } catch let error as AccountError {
            switch error {
            case .usernameTaken, .patientAlreadyLinked: throw APIError.conflict(error.description, field: error.field)
            default: throw APIError.invalid(error.field ?? "body", error.description)
            }
        }
    }

    @Sendable func show(_ request: Request, context: HubRequestContext) async throws -> DTO.Account {
        try Access.requireAdmin(try context.caller())
        let id = try request.id("accountId", context: context, of: "account")
        guard let account = try await api.database.account(id: id) else { throw APIError.notFound("account \(id)") }
        return DTO.Account(account)
    }

    @Sendable func deactivate(_ request: Request, context: HubRequestContext) async throws -> DTO.Account {
        try await change(request, context, audited: "account.deactivate") { session, id in
            guard id != session.account.id else { throw APIError.conflict("an admin cannot deactivate their own account") }
            try await api.database.deactivateAccount(id: id, at: api.now())
        }
    }

    @Sendable func unlock(_ request: Request, context: HubRequestContext) async throws -> DTO.Account {
        try await change(request, context, audited: "account.unlock") { _, id in try await api.database.clearLoginFailures(accountID: id) }
    }

    /// An admin's change to account `accountId`: done, audited, and the account returned as it now is.
    private func change(_ request: Request, _ context: HubRequestContext, audited action: String,
                        _ perform: (SessionState, Int64) async throws -> Void) async throws -> DTO.Account {
        let session = try context.caller()
        try Access.requireAdmin(session)
        let id = try request.id("accountId", context: context, of: "account")
        do {
            try await perform(session, id)
        } catch AccountError.accountNotFound {
            throw APIError.notFound("account \(id)")
        }
        try await api.audit(session, action, patients: [nil], request: request, context: context)
        guard let account = try await api.database.account(id: id) else { throw APIError.notFound("account \(id)") }
        return DTO.Account(account)
    }

    @Sendable func loginLocks(_ request: Request, context: HubRequestContext) async throws -> DTO.LoginLocks {
        try Access.requireAdmin(try context.caller())
        let now = api.now()
        let locked = try await api.database.lockedAccounts(at: now)
        let addresses = await api.throttle.blockedAddresses(at: now)
        return DTO.LoginLocks(
            accounts: locked.compactMap { account in
                account.lockedUntil.map { .init(id: account.id, username: account.username, failedLogins: account.failedLogins, lockedUntil: $0) }
            },
            addresses: addresses.map { .init(address: $0.address, until: $0.until) })
    }
}
