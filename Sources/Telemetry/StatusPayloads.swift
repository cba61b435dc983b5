/// A device's state as its gateway sees it, retained on `…/devices/<device>/status` and published periodically and
/// on change. Absent fields are unknown (a device that reports no battery).
///
/// ```json
/// {"schema": 1, "device": "oxi-7", "model": "cms50", "connected": true, "batteryPercent": 81, "rssiDBm": -67,
///  "firmware": "4.6", "lastReadingAt": 1763701200000, "reportedAt": 1763701205000}
/// ```
public struct DeviceStatus: Sendable, Hashable, Codable {
    /// The schema version this code writes and reads.
    public static let schemaVersion = 1

    /// The payload's schema version; a reader rejects versions it does not know.
    public var schema: Int
    /// The device the payload concerns; must match the topic (or, for an acknowledgement, the device acknowledged).
    public var device: String
    /// What kind of device it is (free text from the agent's configuration, e.g. `cms50`, `gatt-heart-rate`).
    public var model: String?
    /// Whether the agent currently has a link to the device (serial port open, GATT notifications arriving).
    public var connected: Bool
    /// Battery level in percent, from the GATT Battery Level or the device's own report.
    public var batteryPercent: Int?
    /// Radio signal strength of the device's link in dBm (BLE RSSI), when known.
    public var rssiDBm: Int?
    /// Firmware or software version the device reports.
    public var firmware: String?
    /// When the last reading from the device arrived, in milliseconds since 1970 UTC.
    public var lastReadingAt: Int64?
    /// Messages from the device that could not be decoded (malformed GATT values), since the agent started.
    public var rejectedMessages: Int?
    /// Bytes thrown away on the device's serial line (garbage, broken frames), since the agent started.
    public var discardedBytes: Int?
    /// When this status was taken, in milliseconds since 1970 UTC.
    public var reportedAt: Int64

    /// A status in the current schema.
    public init(device: String, model: String? = nil, connected: Bool, batteryPercent: Int? = nil, rssiDBm: Int? = nil,
                firmware: String? = nil, lastReadingAt: Int64? = nil, rejectedMessages: Int? = nil, discardedBytes: Int? = nil,
                reportedAt: Int64) {
        schema = Self.schemaVersion
        self.device = device
        self.model = model
        self.connected = connected
        self.batteryPercent = batteryPercent
        self.rssiDBm = rssiDBm
        self.firmware = firmware
        self.lastReadingAt = lastReadingAt
        self.rejectedMessages = rejectedMessages
        self.discardedBytes = discardedBytes
        self.reportedAt = reportedAt
    }

    /// Checks the status against the topic it arrived on.
    public func validated(device topicDevice: String) throws(PayloadError) -> DeviceStatus {
        try PayloadCodec.checkSchema(schema, supported: Self.schemaVersion)
        guard device == topicDevice else { throw PayloadError(field: "device", reason: "\"\(device)\" does not match the topic's \"\(topicDevice)\"") }
        if let batteryPercent, !(0...100).contains(batteryPercent) {
            throw PayloadError(field: "batteryPercent", reason: "\(batteryPercent) is not 0–100")
        }
        if let rssiDBm, !(-127...20).contains(rssiDBm) { throw PayloadError(field: "rssiDBm", reason: "\(rssiDBm) is not -127–20 dBm") }
        if let lastReadingAt { try checkTime(lastReadingAt, field: "lastReadingAt") }
        if let rejectedMessages, rejectedMessages < 0 { throw PayloadError(field: "rejectedMessages", reason: "is negative") }
        if let discardedBytes, discardedBytes < 0 { throw PayloadError(field: "discardedBytes", reason: "is negative") }
        try checkTime(reportedAt, field: "reportedAt")
        return self
    }
}

/// A gateway's state, retained on `…/gateways/<gateway>/status`. The agent sets the offline form as its MQTT last
/// will, so the broker publishes it when the agent vanishes; the agent publishes the online form on connect,
/// periodically and on change.
///
/// ```json
/// {"schema": 1, "gateway": "gw-0001", "state": "online", "version": "0.1.0", "wifiLinkQuality": 62,
///  "outboxDepth": 0, "outboxDropped": 0, "reportedAt": 1763701205000}
/// {"schema": 1, "gateway": "gw-0001", "state": "offline"}
/// ```
public struct GatewayStatus: Sendable, Hashable, Codable {
    /// The schema version this code writes and reads.
    public static let schemaVersion = 1

    /// Whether the gateway is connected.
    public enum State: String, Sendable, Hashable, Codable {
        /// The agent is connected and reading.
        case online
        /// The agent is gone: its last will, or a clean shutdown.
        case offline
    }

    /// The payload's schema version; a reader rejects versions it does not know.
    public var schema: Int
    /// The gateway (and MQTT username) that sent or concerns the payload; must match the topic.
    public var gateway: String
    /// Online, or offline (the last will).
    public var state: State
    /// The agent's version.
    public var version: String?
    /// The Wi-Fi link quality in percent (from /proc/net/wireless), when the gateway uses Wi-Fi.
    public var wifiLinkQuality: Int?
    /// Readings waiting in the agent's outbox for the hub's acknowledgement.
    public var outboxDepth: Int?
    /// Readings the agent had to drop since it started because its outbox was full (never silently).
    public var outboxDropped: Int?
    /// When this status was taken, in milliseconds since 1970 UTC; absent in the last will.
    public var reportedAt: Int64?
    /// The version of the hub's ``GatewayConfiguration`` the agent has applied; absent before it received one.
    public var configVersion: Int64?
    /// The epoch of that configuration.
    public var configEpoch: String?

    /// A status in the current schema.
    public init(gateway: String, state: State, version: String? = nil, wifiLinkQuality: Int? = nil,
                outboxDepth: Int? = nil, outboxDropped: Int? = nil, reportedAt: Int64? = nil, configVersion: Int64? = nil,
                configEpoch: String? = nil) {
        schema = Self.schemaVersion
        self.gateway = gateway
        self.state = state
        self.version = version
        self.wifiLinkQuality = wifiLinkQuality
        self.outboxDepth = outboxDepth
        self.outboxDropped = outboxDropped
        self.reportedAt = reportedAt
        self.configVersion = configVersion
        self.configEpoch = configEpoch
    }

    /// The payload of the gateway's last will.
    public static func lastWill(gateway: String) -> GatewayStatus {
        GatewayStatus(gateway: gateway, state: .offline)
    }

    /// Checks the status against the topic it arrived on.
    public func validated(gateway topicGateway: String) throws(PayloadError) -> GatewayStatus {
        try PayloadCodec.checkSchema(schema, supported: Self.schemaVersion)
        guard gateway == topicGateway else { throw PayloadError(field: "gateway", reason: "\"\(gateway)\" does not match the topic's \"\(topicGateway)\"") }
        if let wifiLinkQuality, !(0...100).contains(wifiLinkQuality) {
            throw PayloadError(field: "wifiLinkQuality", reason: "\(wifiLinkQuality) is not 0–100")
        }
        if let outboxDepth, outboxDepth < 0 { throw PayloadError(field: "outboxDepth", reason: "is negative") }
        if let outboxDropped, outboxDropped < 0 { throw PayloadError(field: "outboxDropped", reason: "is negative") }
        if let reportedAt { try checkTime(reportedAt, field: "reportedAt") }
        if let configVersion, configVersion < 1 { throw PayloadError(field: "configVersion", reason: "\(configVersion) is not 1 or more") }
        return self
    }
}
