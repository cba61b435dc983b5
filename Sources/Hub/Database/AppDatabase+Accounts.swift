import Foundation
import GRDB
import Vitals

extension AppDatabase {
    static let accountColumns = """
        id, username, displayName, role, title, patientID, active, createdAt, deactivatedAt, failedLogins, lockedUntil
        """
    /// The same columns of an account aliased `a` in a join.
    static let joinedAccountColumns = accountColumns.split(separator: ",")
        .map { "a.\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }.joined(separator: ", ")

    static func account(_ row: Row) -> Account {
        Account(
            id: row["id"], username: row["username"], displayName: row["displayName"], role: Role(rawValue: row["role"]) ?? .patient,
            title: row["title"], patientID: row["patientID"], active: row["active"], createdAt: Date(millisecondsSince1970: row["createdAt"]),
            deactivatedAt: (row["deactivatedAt"] as Int64?).map(Date.init(millisecondsSince1970:)), failedLogins: row["failedLogins"],
            lockedUntil: (row["lockedUntil"] as Int64?).map(Date.init(millisecondsSince1970:)))
    }

    /// Creates an account with an already computed password hash.
    public func createAccount(_ new: NewAccount, passwordHash: String, at time: Date) async throws -> Account {
        try await writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE username = ? COLLATE NOCASE", arguments: [new.username]) == true {
                throw AccountError.usernameTaken(new.username)
            }
            if let patientID = new.patientID {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [patientID]) == true else {
                    throw AccountError.patientNotFound(patientID)
                }
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE patientID = ?", arguments: [patientID]) == true {
                    throw AccountError.patientAlreadyLinked(patientID)
                }
            }
            let now = time.millisecondsSince1970
            try db.execute(sql: """
                INSERT INTO account (username, displayName, role, title, patientID, passwordHash, passwordChangedAt, createdAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [new.username, new.displayName, new.role.rawValue, new.title, new.patientID, passwordHash, now, now])
            let id = db.lastInsertedRowID
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.accountColumns) FROM account WHERE id = ?", arguments: [id]) else {
                throw AccountError.accountNotFound(id)
            }
            return Self.account(row)
        }
    }

    /// The account `id`, active or not.
    public func account(id: Int64) async throws -> Account? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.accountColumns) FROM account WHERE id = ?", arguments: [id]).map(Self.account)
        }
    }

    /// Accounts in id order after `cursor`, at most `limit`; `role` narrows them.
    public func accounts(role: Role? = nil, after cursor: Int64?, limit: Int) async throws -> [Account] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.accountColumns) FROM account WHERE id > ? AND (? IS NULL OR role = ?) ORDER BY id LIMIT ?
                """, arguments: [cursor ?? 0, role?.rawValue, role?.rawValue, limit]).map(Self.account)
        }
    }

    /// Whether any active admin exists: the bootstrap command refuses to make a second one.
    public func hasActiveAdmin() async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE role = 'admin' AND active") == true
        }
    }

    /// The account a username logs in to, with its password hash.
    public func loginCandidate(username: String) async throws -> (account: Account, passwordHash: String)? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.accountColumns), passwordHash FROM account WHERE username = ? COLLATE NOCASE",
                             arguments: [username]).map { (Self.account($0), $0["passwordHash"]) }
        }
    }

    /// The password hash of account `id`.
    public func passwordHash(accountID: Int64) async throws -> String? {
        try await writer.read { db in try String.fetchOne(db, sql: "SELECT passwordHash FROM account WHERE id = ?", arguments: [accountID]) }
    }

    /// Counts a failed login; from the `lockAfter`th consecutive failure on, locks the account for `lockFor(n)`.
    /// Returns the lock's end, if locked.
    public func recordFailedLogin(accountID: Int64, at time: Date, lockAfter: Int, lockFor: @Sendable (Int) -> Duration) async throws -> Date? {
        try await writer.write { db in
            try db.execute(sql: "UPDATE account SET failedLogins = failedLogins + 1 WHERE id = ?", arguments: [accountID])
            let failures = try Int.fetchOne(db, sql: "SELECT failedLogins FROM account WHERE id = ?", arguments: [accountID]) ?? 0
            guard failures >= lockAfter else { return nil }
            let until = time.adding(lockFor(failures - lockAfter + 1))
            try db.execute(sql: "UPDATE account SET lockedUntil = ? WHERE id = ?", arguments: [until.millisecondsSince1970, accountID])
            return until
        }
    }

    /// Clears an account's failed-login count and lock: after a successful login, or by an admin.
    public func clearLoginFailures(accountID: Int64) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE account SET failedLogins = 0, lockedUntil = NULL WHERE id = ?", arguments: [accountID])
            guard db.changesCount == 1 else { throw AccountError.accountNotFound(accountID) }
        }
    }

    /// Deactivates an account and ends every session it has. Returns false when it was inactive already.
    @discardableResult
    public func deactivateAccount(id: Int64, at time: Date) async throws -> Bool {
        try await writer.write { db in
            guard let active = try Bool.fetchOne(db, sql: "SELECT active FROM account WHERE id = ?", arguments: [id]) else {
                throw AccountError.accountNotFound(id)
            }
            guard active else { return false }
            let now = time.millisecondsSince1970
            try db.execute(sql: "UPDATE account SET active = 0, deactivatedAt = ? WHERE id = ?", arguments: [now, id])
            try db.execute(sql: "UPDATE session SET revokedAt = ?, revokedReason = 'account deactivated' WHERE accountID = ? AND revokedAt IS NULL",
                           arguments: [now, id])
            return true
        }
    }

    /// Sets a new password hash and ends every session of the account but `keeping`.
    public func changePasswordHash(accountID: Int64, to hash: String, keeping sessionID: String?, at time: Date) async throws {
        try await writer.write { db in
            let now = time.millisecondsSince1970
            try db.execute(sql: "UPDATE account SET passwordHash = ?, passwordChangedAt = ? WHERE id = ?", arguments: [hash, now, accountID])
            try db.execute(sql: """
                UPDATE session SET revokedAt = ?, revokedReason = 'password changed' WHERE accountID = ? AND revokedAt IS NULL AND id IS NOT ?
                """, arguments: [now, accountID, sessionID])
        }
    }
}

extension AppDatabase {
    /// Accounts locked against sign-in at `time`.
    public func lockedAccounts(at time: Date) async throws -> [Account] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.accountColumns) FROM account WHERE lockedUntil > ? ORDER BY id",
                             arguments: [time.millisecondsSince1970]).map(Self.account)
        }
    }
}
