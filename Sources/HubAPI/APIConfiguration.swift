import Foundation

/// How the HTTP API treats sessions, passwords and login attempts.
public struct APIConfiguration: Sendable {
    /// How long an access token (a JWT) is accepted after it was issued.
    public var accessTokenLifetime: Duration = .minutes(10)
    /// How long a refresh token may wait to be used; each use rotates it.
    public var refreshTokenLifetime: Duration = .hours(24 * 14)
    /// A session without a request or refresh for this long has ended.
    public var sessionIdleLimit: Duration = .minutes(30)
    /// bcrypt's cost: 2^cost rounds. 12 takes about a quarter of a second here.
    public var passwordHashCost: UInt8 = 12
    /// Consecutive failed logins after which the account is locked.
    public var lockAfterFailures = 5
    /// The first lock's length; each further failure while locked doubles it, up to `longestLock`.
    public var firstLock: Duration = .minutes(1)
    public var longestLock: Duration = .hours(1)
    /// Login attempts one address may make per `addressWindow` before it gets 429 until the window passes.
    public var loginAttemptsPerAddress = 20
    public var addressWindow: Duration = .minutes(5)
    /// The shortest password an account may have.
    public var minimumPasswordLength = 12
    /// The hub's address as people reach it (`https://care.example.org`), for links it hands out such as calendar
    /// feeds; when nil, the request's own `Host` over plain HTTP.
    public var publicURL: String?
    /// Whether notifications can go by email (the hub was given a mail relay).
    public var emailAvailable = false
    /// Webhook hosts allowed although they are internal addresses (lower case).
    public var webhookAllowedHosts: Set<String> = []
    /// The host part of calendar events' UIDs, which must be globally unique.
    public var calendarDomain = "silverwatch.local"
    /// A directory to serve the web console from, read at every request (for working on the console); nil: the
    /// console shipped in the hub.
    public var consoleDirectory: String?

    public init() {}

    /// The lock after the `n`th failure past the threshold.
    func lock(after n: Int) -> Duration {
        var lock = firstLock
        for _ in 1..<max(1, n) where lock < longestLock { lock *= 2 }
        return min(lock, longestLock)
    }
}

extension Duration {
    static func minutes(_ minutes: Int) -> Duration { .seconds(minutes * 60) }
    static func hours(_ hours: Int) -> Duration { .seconds(hours * 3600) }
}
