import Foundation
import GRDB
import Telemetry
import Vitals

/// A device as the hub knows it, for technicians.
public struct DeviceSummary: Sendable, Hashable {
    /// The hub's own number for the device (a cursor position); people know it by `externalID`.
    public var id: Int64 = 0
    public var externalID: String
    public var gatewayID: String
    public var model: String?
    public var firmware: String?
    public var connected: Bool?
    public var batteryPercent: Int?
    public var rssiDBm: Int?
    /// When anything was last heard from the device or about it (ms since 1970).
    public var lastSeenAt: Int64?
    /// When its last reading was measured (ms since 1970).
    public var lastReadingAt: Int64?
    /// The patient it is assigned to now, if any.
    public var patientID: Int64?
    /// Whether its gateway is online (its retained status; the last will makes it offline).
    public var gatewayOnline: Bool
    /// Undecodable messages and discarded serial bytes the agent reported for it.
    public var rejectedMessages: Int?
    public var discardedBytes: Int?
    /// Its own inactivity timeout in seconds; `nil`: the hub's default.
    public var inactivityTimeoutSeconds: Int?
}

/// A registry change the current data does not allow (the HTTP edge answers 409 or 404).
public enum RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownDevice(String)
    case unknownPatient(Int64)
    case unknownGateway(String)
    /// A setting outside what the system allows, with the field named.
    case invalidSetting(field: String, reason: String)
    /// A new assignment must start after the current one started.
    case assignmentBeforeCurrent(device: String)
    /// The device id is taken, under this gateway.
    case deviceExists(device: String, gateway: String)

    public var description: String {
        switch self {
        case .deviceExists(let device, let gateway): "device \"\(device)\" is registered already, under gateway \"\(gateway)\""
        case .unknownDevice(let id): "no device \"\(id)\""
        case .unknownPatient(let id): "no patient \(id)"
        case .unknownGateway(let id): "no gateway \"\(id)\""
        case .invalidSetting(let field, let reason): "\(field): \(reason)"
        case .assignmentBeforeCurrent(let device): "device \"\(device)\" already has an assignment starting after that time"
        }
    }
}

extension AppDatabase {
    /// Adds a patient and returns their id.
    public func createPatient(displayName: String, at time: Date) async throws -> Int64 {
        try await createPatient(displayName: displayName, yearOfBirth: nil, conditions: [], spo2Scale: 1, onOxygen: false, at: time).id
    }

    /// Registers a device under a gateway ahead of its first reading (ingest registers unknown ones itself).
    public func registerDevice(_ externalID: String, gatewayID: String, at time: Date) async throws {
        let now = time.millisecondsSince1970
        try await writer.write { db in
            try Self.touchGateway(db, id: gatewayID, at: now)
            try db.execute(sql: "INSERT INTO device (externalID, gatewayID, registeredAt) VALUES (?, ?, ?) ON CONFLICT(externalID) DO NOTHING",
                           arguments: [externalID, gatewayID, now])
        }
    }

    /// Assigns a device to a patient from `since` on, ending the current assignment there, and attributes the
    /// device's readings measured since then to the patient (so readings that arrived before a technician got to
    /// assign the device belong to the right person). Alerts already raised stay with whom they were raised for.
    /// `patientID` `nil` ends the current assignment.
    public func assign(device externalID: String, to patientID: Int64?, since time: Date) async throws {
        let since = time.millisecondsSince1970
        try await writer.write { db in
            guard let deviceID = try Int64.fetchOne(db, sql: "SELECT id FROM device WHERE externalID = ?", arguments: [externalID]) else {
                throw RegistryError.unknownDevice(externalID)
            }
            if let patientID, try Int64.fetchOne(db, sql: "SELECT id FROM patient WHERE id = ?", arguments: [patientID]) == nil {
                throw RegistryError.unknownPatient(patientID)
            }
            // Nothing before the latest assignment's start, or its end: who a past reading belonged to is not rewritten.
            if let latest = try Int64.fetchOne(db, sql: "SELECT MAX(COALESCE(until, since)) FROM deviceAssignment WHERE deviceID = ?", arguments: [deviceID]),
               latest > since {
                throw RegistryError.assignmentBeforeCurrent(device: externalID)
            }
            try db.execute(sql: "UPDATE deviceAssignment SET until = ? WHERE deviceID = ? AND until IS NULL", arguments: [since, deviceID])
            if let patientID {
                try db.execute(sql: "INSERT INTO deviceAssignment (deviceID, patientID, since) VALUES (?, ?, ?)", arguments: [deviceID, patientID, since])
            }
            // The patients whose readings change hands, and the new one: their summaries are built again.
            let affected = try Int64.fetchAll(db, sql: "SELECT DISTINCT patientID FROM reading WHERE deviceID = ? AND measuredAt >= ? AND patientID IS NOT NULL",
                                              arguments: [deviceID, since]) + [patientID].compactMap { $0 }
            try db.execute(sql: "UPDATE reading SET patientID = ? WHERE deviceID = ? AND measuredAt >= ?", arguments: [patientID, deviceID, since])
            try ReadingSummaries.rebuild(db, patients: Array(Set(affected)).sorted(), since: since)
        }
    }

    /// Applies a gateway's retained status (online with its figures, or offline from its last will).
    public func apply(_ status: GatewayStatus, at time: Date) async throws {
        let now = time.millisecondsSince1970
        try await writer.write { db in
            try Self.touchGateway(db, id: status.gateway, at: now)
            let wasOnline = try Bool.fetchOne(db, sql: "SELECT online FROM gateway WHERE id = ? AND statusChangedAt IS NOT NULL", arguments: [status.gateway])
            if wasOnline != (status.state == .online) {
                try db.execute(sql: "INSERT INTO gatewayStatusEvent (gatewayID, at, online, version) VALUES (?, ?, ?, ?)",
                               arguments: [status.gateway, now, status.state == .online, status.version])
            }
            try db.execute(sql: """
                UPDATE gateway SET
                  statusChangedAt = CASE WHEN online != ? THEN ? ELSE statusChangedAt END,
                  online = ?, version = COALESCE(?, version), wifiLinkQuality = COALESCE(?, wifiLinkQuality),
                  outboxDepth = COALESCE(?, outboxDepth), outboxDropped = COALESCE(?, outboxDropped),
                  appliedConfigVersion = CASE WHEN ? = 'online' THEN ? ELSE appliedConfigVersion END,
                  appliedConfigEpoch = CASE WHEN ? = 'online' THEN ? ELSE appliedConfigEpoch END
                WHERE id = ?
                """, arguments: [status.state == .online, now, status.state == .online, status.version, status.wifiLinkQuality,
                                 status.outboxDepth, status.outboxDropped, status.state.rawValue, status.configVersion,
                                 status.state.rawValue, status.configEpoch, status.gateway])
        }
    }

    /// Changes the hub's settings for a gateway (`nil` leaves a setting as it is; ``Setting/agentDefault`` hands
    /// it back to the agent's configuration file) and returns the new configuration, whose version is one more.
    /// The ingest service publishes it, retained, within seconds.
    public func configureGateway(_ gatewayID: String, statusInterval: Setting? = nil, resendAfter: Setting? = nil) async throws -> GatewayConfiguration {
        for (field, setting) in [("statusIntervalSeconds", statusInterval), ("resendAfterSeconds", resendAfter)] {
            if case .seconds(let value) = setting, !GatewayConfiguration.intervalRange.contains(value) {
                throw RegistryError.invalidSetting(field: field, reason: "\(value) s is not within \(GatewayConfiguration.intervalRange.lowerBound)–\(GatewayConfiguration.intervalRange.upperBound) s")
            }
        }
        return try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM gateway WHERE id = ?", arguments: [gatewayID]) != nil else {
                throw RegistryError.unknownGateway(gatewayID)
            }
            func column(_ setting: Setting?, _ name: String) -> String {
                switch setting {
                case nil: name
                case .agentDefault: "NULL"
                case .seconds(let value): String(value)
                }
            }
            try db.execute(sql: """
                UPDATE gateway SET configVersion = configVersion + 1,
                  statusIntervalSeconds = \(column(statusInterval, "statusIntervalSeconds")),
                  resendAfterSeconds = \(column(resendAfter, "resendAfterSeconds"))
                WHERE id = ?
                """, arguments: [gatewayID])
            return try Self.gatewayConfigurations(db, gatewayID: gatewayID)[0]
        }
    }

    /// A setting the hub holds for a gateway or device.
    public enum Setting: Sendable, Hashable {
        /// This many seconds.
        case seconds(Int)
        /// No value of the hub's own: the default applies (the agent's file, or the hub's default timeout).
        case agentDefault
    }

    /// Every gateway configuration the hub has set (version 1 or more), by gateway id.
    public func gatewayConfigurations() async throws -> [GatewayConfiguration] {
        try await writer.read { db in try Self.gatewayConfigurations(db, gatewayID: nil) }
    }

    static func gatewayConfigurations(_ db: Database, gatewayID: String?) throws -> [GatewayConfiguration] {
        let epoch = try String.fetchOne(db, sql: "SELECT value FROM hubSetting WHERE key = 'configurationEpoch'") ?? "unknown"
        return try Row.fetchAll(db, sql: """
            SELECT id, configVersion, statusIntervalSeconds, resendAfterSeconds FROM gateway
            WHERE configVersion > 0 AND (? IS NULL OR id = ?) ORDER BY id
            """, arguments: [gatewayID, gatewayID]).map { row in
            GatewayConfiguration(gateway: row["id"], epoch: epoch, version: row["configVersion"], statusIntervalSeconds: row["statusIntervalSeconds"],
                                 resendAfterSeconds: row["resendAfterSeconds"])
        }
    }

    /// The configuration version each gateway's agent last reported having applied, of this database's epoch.
    public func appliedConfigurationVersions() async throws -> [String: Int64] {
        try await writer.read { db in
            var versions: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT id, appliedConfigVersion FROM gateway
                WHERE appliedConfigVersion IS NOT NULL AND appliedConfigEpoch = (SELECT value FROM hubSetting WHERE key = 'configurationEpoch')
                """) {
                versions[row["id"]] = row["appliedConfigVersion"]
            }
            return versions
        }
    }

    /// What a gateway's agent last reported about the hub's configuration (whichever database's epoch it is of),
    /// and whether an online status has been heard from it at all.
    public func appliedConfiguration(of gatewayID: String) async throws -> (statusHeard: Bool, epoch: String?, version: Int64?) {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT version, appliedConfigEpoch, appliedConfigVersion FROM gateway WHERE id = ?",
                                             arguments: [gatewayID]) else { return (false, nil, nil) }
            return ((row["version"] as String?) != nil, row["appliedConfigEpoch"], row["appliedConfigVersion"])
        }
    }

    /// The gateways the hub knows that it has set no configuration for: their retained configuration topic is
    /// cleared, so an agent does not keep settings from an earlier database.
    public func gatewaysWithoutConfiguration() async throws -> [String] {
        try await writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM gateway WHERE configVersion = 0 ORDER BY id") }
    }

    /// Sets a device's own inactivity timeout (how long without any message before it counts as offline), or
    /// hands it back to the hub's default with ``Setting/agentDefault``. The running hub picks it up within seconds.
    public func setInactivityTimeout(device externalID: String, _ setting: Setting) async throws {
        if case .seconds(let value) = setting, !(60...86_400).contains(value) {
            throw RegistryError.invalidSetting(field: "inactivityTimeoutSeconds", reason: "\(value) s is not within 60–86400 s")
        }
        try await writer.write { db in
            let seconds: Int? = if case .seconds(let value) = setting { value } else { nil }
            try db.execute(sql: "UPDATE device SET inactivityTimeoutSeconds = ? WHERE externalID = ?", arguments: [seconds, externalID])
            guard db.changesCount > 0 else { throw RegistryError.unknownDevice(externalID) }
        }
    }

    /// The devices with their own inactivity timeout.
    public func inactivityTimeouts() async throws -> [String: Duration] {
        try await writer.read { db in
            var timeouts: [String: Duration] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT externalID, inactivityTimeoutSeconds FROM device WHERE inactivityTimeoutSeconds IS NOT NULL") {
                timeouts[row["externalID"]] = .seconds(row["inactivityTimeoutSeconds"] as Int)
            }
            return timeouts
        }
    }

    /// Applies a device's retained status from its gateway (registering the device if it is new).
    public func apply(_ status: DeviceStatus, gatewayID: String, at time: Date) async throws -> PayloadError? {
        let now = time.millisecondsSince1970
        return try await writer.write { db -> PayloadError? in
            try Self.touchGateway(db, id: gatewayID, at: now)
            try db.execute(sql: "INSERT INTO device (externalID, gatewayID, registeredAt) VALUES (?, ?, ?) ON CONFLICT(externalID) DO NOTHING",
                           arguments: [status.device, gatewayID, now])
            guard let owner = try String.fetchOne(db, sql: "SELECT gatewayID FROM device WHERE externalID = ?", arguments: [status.device]),
                  owner == gatewayID else {
                return PayloadError(field: "device", reason: "\"\(status.device)\" is registered to another gateway")
            }
            if let before = try Row.fetchOne(db, sql: "SELECT id, connected, batteryPercent, rssiDBm, firmware FROM device WHERE externalID = ?",
                                             arguments: [status.device]) {
                let previousBattery: Int? = before["batteryPercent"]
                let previousRSSI: Int? = before["rssiDBm"]
                let previousFirmware: String? = before["firmware"]
                let battery = status.batteryPercent ?? previousBattery
                let rssi = status.rssiDBm ?? previousRSSI
                let firmware = status.firmware ?? previousFirmware
                let signalMoved = switch (rssi, previousRSSI) {
                case let (now?, then?): abs(now - then) >= 5
                case (nil, nil): false
                default: true
                }
                if before["connected"] as Bool? != status.connected || previousBattery != battery || previousFirmware != firmware || signalMoved {
                    try db.execute(sql: """
                        INSERT INTO deviceStatusEvent (deviceID, at, connected, batteryPercent, rssiDBm, firmware) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [before["id"] as Int64, now, status.connected, battery, rssi, firmware])
                }
            }
            try db.execute(sql: """
                UPDATE device SET model = COALESCE(?, model), firmware = COALESCE(?, firmware), connected = ?,
                  batteryPercent = COALESCE(?, batteryPercent), rssiDBm = COALESCE(?, rssiDBm),
                  rejectedMessages = COALESCE(?, rejectedMessages), discardedBytes = COALESCE(?, discardedBytes),
                  lastSeenAt = MAX(COALESCE(lastSeenAt, 0), ?)
                WHERE externalID = ?
                """, arguments: [status.model, status.firmware, status.connected, status.batteryPercent, status.rssiDBm,
                                 status.rejectedMessages, status.discardedBytes, now, status.device])
            return nil
        }
    }

    /// Every device with its latest state, ordered by gateway and id.
    public func devices() async throws -> [DeviceSummary] {
        try await writer.read { db in try Self.deviceSummaries(db, externalIDs: nil) }
    }

    /// The devices named, with their latest state.
    public func devices(externalIDs: [String]) async throws -> [DeviceSummary] {
        guard !externalIDs.isEmpty else { return [] }
        return try await writer.read { db in try Self.deviceSummaries(db, externalIDs: externalIDs) }
    }

    private static func deviceSummaries(_ db: Database, externalIDs: [String]?) throws -> [DeviceSummary] {
        let condition = externalIDs.map { "WHERE d.externalID IN (\(databaseQuestionMarks(count: $0.count)))" } ?? ""
        return try Row.fetchAll(db, sql: """
            SELECT d.*, g.online AS gatewayOnline,
              (SELECT patientID FROM deviceAssignment a WHERE a.deviceID = d.id AND a.until IS NULL) AS patientID
            FROM device d JOIN gateway g ON g.id = d.gatewayID \(condition) ORDER BY d.gatewayID, d.externalID
            """, arguments: StatementArguments(externalIDs ?? [])).map { row in
            DeviceSummary(
                id: row["id"], externalID: row["externalID"], gatewayID: row["gatewayID"], model: row["model"], firmware: row["firmware"],
                connected: row["connected"], batteryPercent: row["batteryPercent"], rssiDBm: row["rssiDBm"],
                lastSeenAt: row["lastSeenAt"], lastReadingAt: row["lastReadingAt"], patientID: row["patientID"],
                gatewayOnline: row["gatewayOnline"], rejectedMessages: row["rejectedMessages"], discardedBytes: row["discardedBytes"],
                inactivityTimeoutSeconds: row["inactivityTimeoutSeconds"])
        }
    }

    /// A patient's stored readings of `kind` measured in `range`, oldest first.
    public func readings(patientID: Int64, kind: VitalKind, from start: Date, to end: Date) async throws -> [Reading] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.externalID, r.seq, r.value, r.measuredAt, r.flags FROM reading r JOIN device d ON d.id = r.deviceID
                WHERE r.patientID = ? AND r.kind = ? AND r.measuredAt >= ? AND r.measuredAt < ? ORDER BY r.measuredAt
                """, arguments: [patientID, kind.storageCode, start.millisecondsSince1970, end.millisecondsSince1970]).map { row in
                Reading(kind: kind, value: row["value"], measuredAt: Date(millisecondsSince1970: row["measuredAt"]),
                        source: ReadingSource(deviceID: row["externalID"], sequence: UInt64(clamping: row["seq"] as Int64)),
                        deviceFlags: DeviceQualityFlags(rawValue: UInt16(clamping: row["flags"] as Int)))
            }
        }
    }

    /// The sequence numbers stored for a device, ascending: what tests and tools use to check "exactly once".
    public func storedSequences(device externalID: String) async throws -> [Int64] {
        try await writer.read { db in
            try Int64.fetchAll(db, sql: "SELECT r.seq FROM reading r JOIN device d ON d.id = r.deviceID WHERE d.externalID = ? ORDER BY r.seq",
                               arguments: [externalID])
        }
    }

    /// The database's size in bytes and its number of readings, for the bytes-per-reading figure.
    public func storageFigures() async throws -> (bytes: Int, readings: Int) {
        try await writer.read { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            let readings = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reading") ?? 0
            return ((pages - free) * size, readings)
        }
    }
}
