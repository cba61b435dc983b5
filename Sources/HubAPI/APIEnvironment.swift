import Foundation
import Hub
import Hummingbird

/// What every controller shares: the database, the token and password services, the login throttle, the
/// configuration and the clock (injected, so tests can move time).
public struct APIEnvironment: Sendable {
    let database: AppDatabase
    /// The hub's live alerting (the same one ingest feeds): people's actions on alerts and rule changes go through it.
    let alerting: Alerting
    let configuration: APIConfiguration
    let tokens: TokenService
    let passwords: PasswordHasher
    let throttle: LoginThrottle
    /// Audit entries in group commits: concurrent requests share a transaction.
    let auditWriter: AuditWriter
    /// Ingest's connection and lag, and its counters, when ingest runs in this process (for /health and /metrics).
    let ingestHealth: IngestHealth?
    let ingestCounters: IngestCounters?
    let metrics = HubMetrics()
    /// Changes for the live WebSocket clients, polled once for all of them.
    let liveFeed: LiveFeed
    /// The video consultations' signalling rooms with someone in them.
    let videoRooms = VideoRooms()
    /// Issues gateways' MQTT credentials through the broker's dynamic-security plugin; nil when not configured.
    let gatewayCredentials: GatewayCredentials?
    /// The web console's files.
    let consoleFiles: ConsoleFiles
    let now: @Sendable () -> Date

    /// Sets the API up over `database`; the token signing key is the database's own (made on first use), so tokens
    /// survive a restart and a new database does not accept an old one's tokens.
    public init(database: AppDatabase, alerting: Alerting? = nil, ingestHealth: IngestHealth? = nil, ingestCounters: IngestCounters? = nil,
                gatewayCredentials: GatewayCredentials? = nil, configuration: APIConfiguration = .init(),
                now: @escaping @Sendable () -> Date = { Date() }) async throws {
        self.database = database
        self.gatewayCredentials = gatewayCredentials
        self.ingestHealth = ingestHealth
        self.ingestCounters = ingestCounters
        liveFeed = LiveFeed(database: database)
        self.alerting = alerting ?? Alerting(database: database)
        self.configuration = configuration
        consoleFiles = try configuration.consoleDirectory.map { ConsoleFiles.directory($0) } ?? ConsoleFiles.bundled()
        tokens = await TokenService(signingKey: try await database.tokenSigningKey(), accessLifetime: configuration.accessTokenLifetime)
        passwords = PasswordHasher(cost: configuration.passwordHashCost)
        auditWriter = AuditWriter(database: database)
        throttle = LoginThrottle(limit: configuration.loginAttemptsPerAddress, window: configuration.addressWindow)
        self.now = now
    }

    /// Writes audit entries for what `session` just did.
    func audit(_ session: SessionState, _ action: String, patients: [Int64?], request: Request, context: HubRequestContext) async throws {
        let resource = "\(request.method) \(request.uri.path)"
        try await auditWriter.append(patients.map {
            AuditRecord(actorID: session.account.id, actorRole: session.account.role, action: action, patientID: $0, resource: resource,
                        address: context.clientAddress)
        }, at: now())
    }
}

extension APIEnvironment {
    /// Creates the first admin; refused (409) once an active admin exists, 422 for a weak password.
    public func bootstrapAdmin(username: String, displayName: String, password: String) async throws -> Account {
        guard try await !database.hasActiveAdmin() else { throw APIError.conflict("an active admin exists already") }
        try validatePassword(password, field: "password", minimumLength: configuration.minimumPasswordLength)
        let account = try await database.createAccount(
            NewAccount(username: username, displayName: displayName, role: .admin), passwordHash: try await passwords.hash(password), at: now())
        try await database.appendAudit([AuditRecord(actorID: nil, actorRole: nil, action: "account.bootstrapAdmin", patientID: nil,
                                                    resource: "command line", address: nil)], at: now())
        return account
    }
}
