import Foundation
import Hub
import Hummingbird

/// Accepts a request only with a valid access token whose session is still live: signature and expiry checked,
/// then the session (not revoked, not idle too long) and its account (still active) in the database.
struct AuthenticationMiddleware: RouterMiddleware {
    let api: APIEnvironment

    func handle(_ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthenticated()
        }
        let token = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let claims = await api.tokens.verify(token, at: api.now()) else {
            throw APIError.unauthenticated("the access token is invalid or has expired; refresh it or sign in again")
        }
        guard let session = try await api.database.activeSession(id: claims.sid, idleLimit: api.configuration.sessionIdleLimit, at: api.now()),
              String(session.account.id) == claims.sub.value
        else {
            throw APIError.unauthenticated("this session has ended; sign in again")
        }
        var context = context
        context.session = session
        return try await next(request, context)
    }
}
