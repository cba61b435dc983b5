import HummingbirdBcrypt
import NIOPosix

/// bcrypt, off the cooperative thread pool: a hash at cost 12 takes a quarter of a second of CPU, which would stall
/// every other request on that thread.
struct PasswordHasher: Sendable {
    let cost: UInt8
    /// A hash of no one's password, checked when the username is unknown so that an unknown name takes as long as a
    /// wrong password (no telling which usernames exist by timing).
    let decoy: String

    init(cost: UInt8) {
        self.cost = cost
        decoy = Bcrypt.hash(TokenService.randomToken(bytes: 16), cost: cost)
    }

    func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String?) async throws -> Bool {
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash ?? decoy) }
        return hash != nil && matches
    }
}
