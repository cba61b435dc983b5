/// The hub's settings for one gateway, published retained on `…/gateways/<gateway>/config` so the agent finds them
/// whenever it connects. The agent applies them over its configuration file's values and reports the version it
/// applied in its gateway status (`configVersion`).
///
/// ```json
/// {"schema": 1, "gateway": "gw-0001", "epoch": "9f2c41d07ab3e816", "version": 3, "statusIntervalSeconds": 30,
///  "resendAfterSeconds": 20}
/// ```
///
/// An empty retained message on the topic means the hub has no settings for the gateway: the agent goes back to its
/// file's.
public struct GatewayConfiguration: Sendable, Hashable, Codable {
    /// The schema version this code writes and reads.
    public static let schemaVersion = 1
    /// The range allowed for both intervals, in seconds.
    public static let intervalRange = 5...3600

    /// The payload's schema version; a reader rejects versions it does not know.
    public var schema: Int
    /// The gateway the settings are for; must match the topic.
    public var gateway: String
    /// The hub database's identity (random, made when the database is created): versions count from 1 again in
    /// a new database, so a version is only meaningful with its epoch.
    public var epoch: String
    /// Increases by one with every change the hub makes, from 1.
    public var version: Int64
    /// How often the agent publishes its full status, in seconds; absent: the agent's own setting.
    public var statusIntervalSeconds: Int?
    /// How long a published reading may wait for the hub's acknowledgement before the agent sends it again, in
    /// seconds; absent: the agent's own setting.
    public var resendAfterSeconds: Int?

    /// Settings in the current schema.
    public init(gateway: String, epoch: String, version: Int64, statusIntervalSeconds: Int? = nil, resendAfterSeconds: Int? = nil) {
        schema = Self.schemaVersion
        self.gateway = gateway
        self.epoch = epoch
        self.version = version
        self.statusIntervalSeconds = statusIntervalSeconds
        self.resendAfterSeconds = resendAfterSeconds
    }

    /// Checks the settings against the topic they arrived on, naming the field at fault.
    public func validated(gateway topicGateway: String) throws(PayloadError) -> GatewayConfiguration {
        try PayloadCodec.checkSchema(schema, supported: Self.schemaVersion)
        guard gateway == topicGateway else { throw PayloadError(field: "gateway", reason: "\"\(gateway)\" does not match the topic's \"\(topicGateway)\"") }
        guard version >= 1 else { throw PayloadError(field: "version", reason: "\(version) is not 1 or more") }
        guard (1...64).contains(epoch.utf8.count) else { throw PayloadError(field: "epoch", reason: "must be 1–64 characters") }
        for (field, value) in [("statusIntervalSeconds", statusIntervalSeconds), ("resendAfterSeconds", resendAfterSeconds)] {
            if let value, !Self.intervalRange.contains(value) {
                throw PayloadError(field: field, reason: "\(value) s is not within \(Self.intervalRange.lowerBound)–\(Self.intervalRange.upperBound) s")
            }
        }
        return self
    }
}
