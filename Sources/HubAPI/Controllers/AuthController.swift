import Foundation
import Hub
import Hummingbird
import Vitals

/// Sign-in, token refresh, sign-out, and the caller's own account.
struct AuthController {
    let api: APIEnvironment

    /// Routes that need no access token.
    func publicEndpoints(_ group: RouterGroup<HubRequestContext>) {
        group.post("auth/login", use: login)
        group.post("auth/refresh", use: refresh)
    }

    func endpoints(_ group: RouterGroup<HubRequestContext>) {
        group.post("auth/logout", use: logout)
        group.get("me", use: me)
        group.put("me/password", use: changePassword)
    }

    @Sendable func login(_ request: Request, context: HubRequestContext) async throws -> EditedResponse<DTO.Tokens> {
        let now = api.now()
        if let until = await api.throttle.attempt(from: context.clientAddress ?? "unknown", at: now) {
            throw tooManyRequests("too many sign-in attempts from this address", retryAfter: until, now: now, code: "too_many_requests")
        }
        let body = try await request.decodeJSON(DTO.Login.self, context: context)
        let candidate = try await api.database.loginCandidate(username: body.username)
        if let account = candidate?.account, let lockedUntil = account.lockedUntil, lockedUntil > now {
            throw tooManyRequests("this account is locked after repeated failed sign-ins", retryAfter: lockedUntil, now: now, code: "account_locked")
        }
        guard try await api.passwords.verify(body.password, against: candidate?.passwordHash), let account = candidate?.account else {
            if let account = candidate?.account {
                let configuration = api.configuration
                _ = try await api.database.recordFailedLogin(accountID: account.id, at: now, lockAfter: configuration.lockAfterFailures,
                                                             lockFor: { configuration.lock(after: $0) })
            }
            throw APIError(.unauthorized, code: "invalid_credentials", "the username or password is wrong")
        }
        guard account.active else { throw APIError(.unauthorized, code: "account_deactivated", "this account has been deactivated") }
        if account.failedLogins > 0 || account.lockedUntil != nil { try await api.database.clearLoginFailures(accountID: account.id) }
        let sessionID = TokenService.randomToken(bytes: 16)
        let refresh = TokenService.refreshToken()
        try await api.database.createSession(
            id: sessionID, accountID: account.id, address: context.clientAddress, refreshHash: refresh.hash,
            refreshExpiresAt: now.adding(api.configuration.refreshTokenLifetime), at: now)
        var signedIn = account
        signedIn.failedLogins = 0
        signedIn.lockedUntil = nil
        return .init(status: .ok, response: try await tokens(for: signedIn, sessionID: sessionID, refreshToken: refresh.token, at: now))
    }

    @Sendable func refresh(_ request: Request, context: HubRequestContext) async throws -> DTO.Tokens {
        let body = try await request.decodeJSON(DTO.Refresh.self, context: context)
        let now = api.now()
        let next = TokenService.refreshToken()
        switch try await api.database.rotateRefreshToken(
            hash: TokenService.hash(body.refreshToken), to: next.hash,
            expiresAt: now.adding(api.configuration.refreshTokenLifetime),
            idleLimit: api.configuration.sessionIdleLimit, at: now)
        {
        case .rotated(let session):
            return try await tokens(for: session.account, sessionID: session.sessionID, refreshToken: next.token, at: now)
        case .reused:
            throw APIError(.unauthorized, code: "refresh_token_reused",
                           "this refresh token was used before; its session has been ended for safety, sign in again")
        case .refused:
            throw APIError.unauthenticated("the refresh token is invalid, expired or its session has ended; sign in again")
        }
    }

    @Sendable func logout(_ request: Request, context: HubRequestContext) async throws -> HTTPResponse.Status {
        let session = try context.caller()
        try await api.database.revokeSession(id: session.sessionID, reason: "signed out", at: api.now())
        return .noContent
    }

    @Sendable func me(_ request: Request, context: HubRequestContext) async throws -> DTO.Account {
        DTO.Account(try context.caller().account)
    }

    @Sendable func changePassword(_ request: Request, context: HubRequestContext) async throws -> HTTPResponse.Status {
        let session = try context.caller()
        let body = try await request.decodeJSON(DTO.PasswordChange.self, context: context)
        let hash = try await api.database.passwordHash(accountID: session.account.id)
        guard try await api.passwords.verify(body.currentPassword, against: hash) else {
            throw APIError.invalid("currentPassword", "currentPassword is not this account's password")
        }
        try validatePassword(body.newPassword, field: "newPassword", minimumLength: api.configuration.minimumPasswordLength)
        try await api.database.changePasswordHash(
            accountID: session.account.id, to: try await api.passwords.hash(body.newPassword), keeping: session.sessionID, at: api.now())
        // Like the other sessions, a calendar feed's URL may be what someone took: it stops working too.
        _ = try await api.database.deleteCalendarFeed(accountID: session.account.id)
        try await api.audit(session, "account.passwordChange", patients: [nil], request: request, context: context)
        return .noContent
    }

    private func tokens(for account: Account, sessionID: String, refreshToken: String, at now: Date) async throws -> DTO.Tokens {
        DTO.Tokens(
            accessToken: try await api.tokens.accessToken(accountID: account.id, role: account.role.rawValue, sessionID: sessionID, at: now),
            expiresIn: api.configuration.accessTokenLifetime.components.seconds, refreshToken: refreshToken,
            refreshExpiresIn: api.configuration.refreshTokenLifetime.components.seconds, account: DTO.Account(account))
    }

    private func tooManyRequests(_ message: String, retryAfter until: Date, now: Date, code: String) -> APIError {
        var error = APIError(.tooManyRequests, code: code, message)
        error.headers[.retryAfter] = String(max(1, Int(until.timeIntervalSince(now).rounded(.up))))
        return error
    }
}

/// A password must be long enough and not only spaces; `field` names it in the error.
func validatePassword(_ password: String, field: String, minimumLength: Int) throws {
    guard password.count >= minimumLength, !password.allSatisfy(\.isWhitespace) else {
        throw APIError.invalid(field, "\(field) must have at least \(minimumLength) characters")
    }
    guard password.utf8.count <= 72 else {
        // bcrypt reads 72 bytes; a longer password would have a silently ignored tail.
        throw APIError.invalid(field, "\(field) must be at most 72 bytes")
    }
}
