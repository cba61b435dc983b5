import Foundation
import Hub

/// How the hub's WebSockets begin: the client's first message carries its access token (`{"type": "hello",
/// "token": …}`), not the URL, so the token stays out of logs.
enum SocketHello {
    /// The first message of `messages`, or nil if none came within `timeout`.
    static func first(_ messages: AsyncStream<String>, timeout: Duration) async throws -> String? {
        try await withDeadline(timeout) { await messages.first { _ in true } }
    }

    /// Session `id` if it is still live (not signed out, revoked, idle too long, or of a deactivated account).
    static func activeSession(_ id: String, _ api: APIEnvironment) async throws -> SessionState? {
        try await api.database.activeSession(id: id, idleLimit: api.configuration.sessionIdleLimit, at: api.now())
    }

    /// The live session whose access token is `token`, or nil.
    static func session(token: String, _ api: APIEnvironment) async throws -> SessionState? {
        guard let claims = await api.tokens.verify(token, at: api.now()),
              let session = try await api.database.activeSession(id: claims.sid, idleLimit: api.configuration.sessionIdleLimit, at: api.now()),
              String(session.account.id) == claims.sub.value else { return nil }
        return session
    }
}
