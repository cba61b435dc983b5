import Crypto
import Foundation
import Hub
import JWTKit
import Vitals

/// The claims of an access token: who, which session, until when. The session is checked on every request too, so
/// logging out, deactivating the account or a replayed refresh token ends access at once, not at expiry.
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim
    var sid: String
    var role: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim

    /// The signature is checked by the key collection; expiry by `TokenService.verify`, against the hub's clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Issues and checks access tokens (HS256 JWTs) and mints refresh tokens (random, stored only as their SHA-256).
struct TokenService: Sendable {
    let keys: JWTKeyCollection
    let accessLifetime: Duration

    init(signingKey: [UInt8], accessLifetime: Duration) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: SymmetricKey(data: signingKey)), digestAlgorithm: .sha256)
        self.accessLifetime = accessLifetime
    }

    func accessToken(accountID: Int64, role: String, sessionID: String, at time: Date) async throws -> String {
        let claims = AccessClaims(
            sub: .init(value: String(accountID)), sid: sessionID, role: role, iat: .init(value: time),
            exp: .init(value: time.adding(accessLifetime)))
        return try await keys.sign(claims)
    }

    /// The token's claims, or nil when it is malformed, forged or expired at `now`.
    func verify(_ token: String, at now: Date) async -> AccessClaims? {
        guard let claims = try? await keys.verify(token, as: AccessClaims.self), (try? claims.exp.verifyNotExpired(currentDate: now)) != nil else {
            return nil
        }
        return claims
    }

    /// A new refresh token (256 random bits, URL-safe) and the hash it is stored under.
    static func refreshToken() -> (token: String, hash: String) {
        let token = randomToken(bytes: 32)
        return (token, hash(token))
    }

    static func hash(_ token: String) -> String {
        sha256Hex(Data(token.utf8))
    }

    /// `bytes` random bytes from the system's CSPRNG, base64url without padding.
    static func randomToken(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
