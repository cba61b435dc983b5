import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Sign-in and sessions")
struct SessionTests {
    @Test func anAccessTokenStopsWorkingWhenItExpires() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let tokens = try await client.login("caregiverA")
            #expect(try await client.call(.get, "/api/v1/me", token: tokens.access).status == 200)
            fixture.clock.advance(.seconds(9 * 60))
            #expect(try await client.call(.get, "/api/v1/me", token: tokens.access).status == 200)
            fixture.clock.advance(.seconds(2 * 60))
            let expired = try await client.call(.get, "/api/v1/me", token: tokens.access)
            #expect(expired.status == 401)
            #expect(expired.headers[.wwwAuthenticate] == "Bearer")
        }
    }

    @Test func refreshingRotatesTheTokenAndReusingTheOldOneEndsTheSession() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let first = try await client.login("caregiverA")
            let rotated = try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(first.refresh)"}"#)
            #expect(rotated.status == 200)
            let second = try #require(rotated["refreshToken"] as? String)
            let access = try #require(rotated["accessToken"] as? String)
            #expect(second != first.refresh)
            #expect(try await client.call(.get, "/api/v1/me", token: access).status == 200)

            // The first token comes back after the client went on with the second: stolen, or its thief came first.
            // The whole family ends.
            fixture.clock.advance(.seconds(31))
            let replay = try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(first.refresh)"}"#)
            #expect(replay.status == 401)
            #expect(replay.errorCode == "refresh_token_reused")
            #expect(try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(second)"}"#).status == 401)
            #expect(try await client.call(.get, "/api/v1/me", token: access).status == 401)
            // Other sessions of the same person are not touched.
            let other = try await client.login("caregiverA")
            #expect(try await client.call(.get, "/api/v1/me", token: other.access).status == 200)
        }
    }

    @Test func aRefreshWhoseAnswerWasLostMayBeAskedAgainOnceButTheUnusedSuccessorThenGivesATheftAway() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let first = try await client.login("caregiverA")
            // The exchange happens, but its answer never reaches the client.
            #expect(try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(first.refresh)"}"#).status == 200)
            // Ten seconds on, the client asks again with the only token it has, and goes on.
            fixture.clock.advance(.seconds(10))
            let retried = try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(first.refresh)"}"#)
            #expect(retried.status == 200)
            let access = try #require(retried["accessToken"] as? String)
            #expect(try await client.call(.get, "/api/v1/me", token: access).status == 200)
            // Only once: asking a third time is a replay, and ends the session.
            #expect(try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(first.refresh)"}"#).errorCode == "refresh_token_reused")
            #expect(try await client.call(.get, "/api/v1/me", token: access).status == 401)
        }
        try await fixture.run { client in
            // Had a thief made the first exchange, the token they got is dead once the client retried, and using it ends
            // the session.
            let first = try await client.login("caregiverA")
            let stolen = try #require(try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(first.refresh)"}"#)["refreshToken"] as? String)
            let retried = try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(first.refresh)"}"#)
            let access = try #require(retried["accessToken"] as? String)
            #expect(try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(stolen)"}"#).errorCode == "refresh_token_reused")
            #expect(try await client.call(.get, "/api/v1/me", token: access).status == 401)
        }
        try await fixture.run { client in
            // A retry after the grace is a replay.
            let first = try await client.login("caregiverA")
            _ = try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(first.refresh)"}"#)
            fixture.clock.advance(.seconds(31))
            #expect(try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(first.refresh)"}"#).errorCode == "refresh_token_reused")
        }
    }

    @Test func logoutEndsTheAccessAndRefreshTokens() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let tokens = try await client.login("patient")
            #expect(try await client.call(.post, "/api/v1/auth/logout", token: tokens.access).status == 204)
            #expect(try await client.call(.get, "/api/v1/me", token: tokens.access).status == 401)
            let refresh = try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(tokens.refresh)"}"#)
            #expect(refresh.status == 401)
            #expect(refresh.errorCode == "unauthenticated")
        }
    }

    @Test func aDeactivatedAccountLosesItsSessionsAndCannotSignIn() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let admin = try await client.login("admin")
            let nurse = try await client.login("caregiverB")
            let id = try #require(fixture.accounts["caregiverB"])
            #expect(try await client.call(.post, "/api/v1/accounts/\(id)/deactivate", token: admin.access).status == 200)
            #expect(try await client.call(.get, "/api/v1/me", token: nurse.access).status == 401)
            #expect(try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(nurse.refresh)"}"#).status == 401)
            let login = try await client.call(.post, "/api/v1/auth/login", body: #"{"username": "caregiverB", "password": "\#(Fixture.password)"}"#)
            #expect(login.status == 401)
            #expect(login.errorCode == "account_deactivated")
            // An admin cannot lock themself out this way.
            let adminID = try #require(fixture.accounts["admin"])
            #expect(try await client.call(.post, "/api/v1/accounts/\(adminID)/deactivate", token: admin.access).status == 409)
        }
    }

    @Test func aSessionEndsAfterTheConfiguredInactivity() async throws {
        let fixture = try await Fixture.make { $0.sessionIdleLimit = .seconds(20 * 60); $0.accessTokenLifetime = .seconds(60 * 60) }
        try await fixture.run { client in
            let tokens = try await client.login("technician")
            fixture.clock.advance(.seconds(19 * 60))
            #expect(try await client.call(.get, "/api/v1/me", token: tokens.access).status == 200)
            // Activity moved the idle limit on: 19 more minutes are still within it.
            fixture.clock.advance(.seconds(19 * 60))
            #expect(try await client.call(.get, "/api/v1/me", token: tokens.access).status == 200)
            fixture.clock.advance(.seconds(21 * 60))
            #expect(try await client.call(.get, "/api/v1/me", token: tokens.access).status == 401)
            #expect(try await client.call(.post, "/api/v1/auth/refresh", body: #"{"refreshToken": "\#(tokens.refresh)"}"#).status == 401)
        }
    }

    @Test func changingThePasswordEndsTheAccountsOtherSessions() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let here = try await client.login("caregiverA")
            let elsewhere = try await client.login("caregiverA")
            let wrong = try await client.call(.put, "/api/v1/me/password", token: here.access,
                                              body: #"{"currentPassword": "not it at all", "newPassword": "a much longer secret"}"#)
            #expect(wrong.status == 422)
            #expect(wrong.errorField == "currentPassword")
            let short = try await client.call(.put, "/api/v1/me/password", token: here.access,
                                              body: #"{"currentPassword": "\#(Fixture.password)", "newPassword": "short"}"#)
            #expect(short.errorField == "newPassword")
            let changed = try await client.call(.put, "/api/v1/me/password", token: here.access,
                                                body: #"{"currentPassword": "\#(Fixture.password)", "newPassword": "a much longer secret"}"#)
            #expect(changed.status == 204)
            let audited = try await fixture.database.auditEntries(AuditFilter(action: "account.passwordChange"), before: nil, limit: 10)
            #expect(audited.map(\.record.actorID) == [fixture.accounts["caregiverA"]])
            #expect(try await client.call(.get, "/api/v1/me", token: here.access).status == 200)
            #expect(try await client.call(.get, "/api/v1/me", token: elsewhere.access).status == 401)
            _ = try await client.login("caregiverA", password: "a much longer secret")
            #expect(try await client.call(.post, "/api/v1/auth/login", body: #"{"username": "caregiverA", "password": "\#(Fixture.password)"}"#).status == 401)
        }
    }

    @Test func repeatedFailuresLockTheAccountVisiblyUntilAnAdminUnlocksIt() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            for _ in 1...5 {
                let failed = try await client.call(.post, "/api/v1/auth/login", body: #"{"username": "caregiverA", "password": "guess guess guess"}"#)
                #expect(failed.status == 401)
                #expect(failed.errorCode == "invalid_credentials")
            }
            // Locked: even the right password is refused, with when to come back.
            let locked = try await client.call(.post, "/api/v1/auth/login", body: #"{"username": "caregiverA", "password": "\#(Fixture.password)"}"#)
            #expect(locked.status == 429)
            #expect(locked.errorCode == "account_locked")
            #expect(locked.headers[.retryAfter] == "60")
            let admin = try await client.login("admin")
            let locks = try await client.call(.get, "/api/v1/login-locks", token: admin.access)
            let lockedAccounts = try #require(locks["accounts"] as? [[String: Any]])
            #expect(lockedAccounts.map { $0["username"] as? String } == ["caregiverA"])
            let id = try #require(fixture.accounts["caregiverA"])
            #expect(try await client.call(.post, "/api/v1/accounts/\(id)/unlock", token: admin.access).status == 200)
            _ = try await client.login("caregiverA")
        }
    }

    @Test func theLockGrowsWithEachFailureWhileLockedAndEndsByItself() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let wrong = #"{"username": "caregiverA", "password": "guess guess guess"}"#
            for _ in 1...5 { _ = try await client.call(.post, "/api/v1/auth/login", body: wrong) }
            fixture.clock.advance(.seconds(61))
            // The lock ended; one more failure locks it again, for twice as long.
            #expect(try await client.call(.post, "/api/v1/auth/login", body: wrong).status == 401)
            let locked = try await client.call(.post, "/api/v1/auth/login", body: #"{"username": "caregiverA", "password": "\#(Fixture.password)"}"#)
            #expect(locked.headers[.retryAfter] == "120")
            fixture.clock.advance(.seconds(121))
            _ = try await client.login("caregiverA")
        }
    }

    @Test func oneAddressMakingTooManyAttemptsIsTurnedAwayForAWhile() async throws {
        let fixture = try await Fixture.make { $0.loginAttemptsPerAddress = 8 }
        try await fixture.run { client in
            // Spread over accounts that exist and do not, so no account lock steps in first.
            for name in ["nobody", "admin", "ghost", "technician", "caregiverB", "x1", "x2", "x3"] {
                #expect(try await client.call(.post, "/api/v1/auth/login", body: #"{"username": "\#(name)", "password": "wrong password"}"#).status == 401)
            }
            let throttled = try await client.call(.post, "/api/v1/auth/login", body: #"{"username": "admin", "password": "\#(Fixture.password)"}"#)
            #expect(throttled.status == 429)
            #expect(throttled.errorCode == "too_many_requests")
            fixture.clock.advance(.seconds(5 * 60 + 1))
            _ = try await client.login("admin")
        }
    }

    @Test func theBootstrapAdminIsMadeOnceAndNeedsARealPassword() async throws {
        let database = try AppDatabase.inMemory()
        var configuration = APIConfiguration()
        configuration.passwordHashCost = 4
        let api = try await APIEnvironment(database: database, configuration: configuration)
        await #expect(throws: APIError.self) { try await api.bootstrapAdmin(username: "root", displayName: "Root", password: "short") }
        let admin = try await api.bootstrapAdmin(username: "root", displayName: "Root", password: "a long enough secret")
        #expect(admin.role == .admin)
        await #expect(throws: APIError.self) { try await api.bootstrapAdmin(username: "root2", displayName: "Root", password: "a long enough secret") }
        try await Application(router: buildRouter(api)).test(.router) { client in
            _ = try await APIClient(client: client).login("root", password: "a long enough secret")
        }
    }
}
