import Foundation
import GRDB

/// A login session as a request sees it: whose it is and whether it may go on.
public struct SessionState: Sendable, Hashable {
    public var sessionID: String
    public var account: Account
}

/// What presenting a refresh token led to.
public enum RefreshOutcome: Sendable, Hashable {
    /// The token was current: it is now rotated, and the session goes on under `newHash`.
    case rotated(SessionState)
    /// The token had been rotated already: someone replays it, so its whole session is now revoked.
    case reused(sessionID: String)
    /// Unknown, expired, or of a session that ended (logout, revocation, inactivity, deactivated account).
    case refused
}

extension AppDatabase {
    /// Starts a session for `accountID` with its first refresh token.
    public func createSession(id: String, accountID: Int64, address: String?, refreshHash: String, refreshExpiresAt: Date, at time: Date) async throws {
        try await writer.write { db in
            let now = time.millisecondsSince1970
            try db.execute(sql: "INSERT INTO session (id, accountID, createdAt, lastActiveAt, address) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, accountID, now, now, address])
            try db.execute(sql: "INSERT INTO refreshToken (hash, sessionID, issuedAt, expiresAt) VALUES (?, ?, ?, ?)",
                           arguments: [refreshHash, id, now, refreshExpiresAt.millisecondsSince1970])
        }
    }

    /// Rotates the refresh token whose hash is `hash` to `newHash`. A token presented twice revokes its session: a
    /// rotated token comes back only when it was stolen, or the thief came first.
    ///
    /// Except once, within `retryGrace` of its exchange, while the token it was exchanged for has not been used: a
    /// client whose answer was lost on the way (a caregiver's tablet on poor Wi-Fi) asks again with the token it
    /// still holds, and is not signed out for it. The unused successor is then rotated too, so whoever holds it (had a
    /// thief made the first exchange) gives the theft away the moment they use it.
    public func rotateRefreshToken(hash: String, to newHash: String, expiresAt: Date, idleLimit: Duration, retryGrace: Duration = .seconds(30),
                                   at time: Date) async throws -> RefreshOutcome {
        try await writer.write { db in
            let now = time.millisecondsSince1970
            guard let token = try Row.fetchOne(db, sql: "SELECT sessionID, expiresAt, rotatedAt, replacedBy FROM refreshToken WHERE hash = ?",
                                               arguments: [hash]) else {
                return .refused
            }
            let sessionID: String = token["sessionID"]
            if let rotatedAt = token["rotatedAt"] as Int64? {
                let unusedSuccessor = try (token["replacedBy"] as String?).flatMap {
                    try String.fetchOne(db, sql: "SELECT hash FROM refreshToken WHERE hash = ? AND rotatedAt IS NULL", arguments: [$0])
                }
                if let unusedSuccessor, now - rotatedAt <= Int64(retryGrace.inSeconds * 1000),
                   let live = try Self.liveSession(db, id: sessionID, idleLimit: idleLimit, now: now) {
                    // The successor dies without a successor of its own: it never earns a retry.
                    try db.execute(sql: "UPDATE refreshToken SET rotatedAt = ? WHERE hash = ?", arguments: [now, unusedSuccessor])
                    try Self.issue(newHash, session: sessionID, expiresAt: expiresAt, db, now: now)
                    return .rotated(live.state)
                }
                try db.execute(sql: "UPDATE session SET revokedAt = ?, revokedReason = 'refresh token reused' WHERE id = ? AND revokedAt IS NULL",
                               arguments: [now, sessionID])
                return .reused(sessionID: sessionID)
            }
            guard (token["expiresAt"] as Int64) > now, let live = try Self.liveSession(db, id: sessionID, idleLimit: idleLimit, now: now) else {
                return .refused
            }
            try db.execute(sql: "UPDATE refreshToken SET rotatedAt = ?, replacedBy = ? WHERE hash = ?", arguments: [now, newHash, hash])
            try Self.issue(newHash, session: sessionID, expiresAt: expiresAt, db, now: now)
            return .rotated(live.state)
        }
    }

    private static func issue(_ hash: String, session sessionID: String, expiresAt: Date, _ db: Database, now: Int64) throws {
        try db.execute(sql: "INSERT INTO refreshToken (hash, sessionID, issuedAt, expiresAt) VALUES (?, ?, ?, ?)",
                       arguments: [hash, sessionID, now, expiresAt.millisecondsSince1970])
        try db.execute(sql: "UPDATE session SET lastActiveAt = ? WHERE id = ?", arguments: [now, sessionID])
    }

    /// The session `id` if it may serve a request now: not revoked, not idle past `idleLimit`, its account active.
    /// Marks it active (at most every `touchEvery`, so a burst of requests does not write each time).
    public func activeSession(id: String, idleLimit: Duration, touchEvery: Duration = .seconds(15), at time: Date) async throws -> SessionState? {
        let now = time.millisecondsSince1970
        let live = try await writer.read { db in try Self.liveSession(db, id: id, idleLimit: idleLimit, now: now) }
        guard let live else { return nil }
        if now - live.lastActiveAt >= touchEvery.milliseconds {
            try await writer.write { db in
                try db.execute(sql: "UPDATE session SET lastActiveAt = max(lastActiveAt, ?) WHERE id = ?", arguments: [now, id])
            }
        }
        return live.state
    }

    /// Ends a session (logout, or an admin's revocation); its refresh tokens stop working.
    public func revokeSession(id: String, reason: String, at time: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE session SET revokedAt = ?, revokedReason = ? WHERE id = ? AND revokedAt IS NULL",
                           arguments: [time.millisecondsSince1970, reason, id])
        }
    }

    /// Whether session `id` was revoked, and why (nil while it is not).
    public func revocationReason(sessionID id: String) async throws -> String? {
        try await writer.read { db in
            try String.fetchOne(db, sql: "SELECT revokedReason FROM session WHERE id = ? AND revokedAt IS NOT NULL", arguments: [id])
        }
    }

    private static func liveSession(_ db: Database, id: String, idleLimit: Duration, now: Int64) throws -> (state: SessionState, lastActiveAt: Int64)? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT s.lastActiveAt, s.revokedAt, \(joinedAccountColumns)
            FROM session s JOIN account a ON a.id = s.accountID WHERE s.id = ?
            """, arguments: [id]) else { return nil }
        guard (row["revokedAt"] as Int64?) == nil, row["active"] as Bool, now - (row["lastActiveAt"] as Int64) <= idleLimit.milliseconds else {
            return nil
        }
        return (SessionState(sessionID: id, account: Self.account(row)), row["lastActiveAt"])
    }
}

extension Duration {
    /// Whole milliseconds, for comparisons with stored times.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension AppDatabase {
    /// The key that signs this hub's access tokens: 256 random bits, made the first time it is asked for.
    public func tokenSigningKey() async throws -> [UInt8] {
        try await writer.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO hubSetting (key, value) VALUES ('tokenSigningKey', lower(hex(randomblob(32))))")
            let hex = try String.fetchOne(db, sql: "SELECT value FROM hubSetting WHERE key = 'tokenSigningKey'") ?? ""
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), let byte = UInt8(hex[index..<next], radix: 16) {
                bytes.append(byte)
                index = next
            }
            return bytes
        }
    }
}
