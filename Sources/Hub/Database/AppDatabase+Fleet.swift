import Foundation
import GRDB
import Vitals

/// A gateway (one agent, one home) as technicians see it.
public struct GatewaySummary: Sendable, Hashable {
    /// The hub's own number for the gateway, in the order gateways became known (a cursor position).
    public var position: Int64
    public var id: String
    public var online: Bool
    public var version: String?
    /// The gateway's Wi-Fi link quality, 0–100.
    public var wifiLinkQuality: Int?
    /// Readings waiting in the agent's outbox, and those it had to drop.
    public var outboxDepth: Int?
    public var outboxDropped: Int?
    public var lastSeenAt: Date?
    public var statusChangedAt: Date?
    public var deviceCount: Int
    /// The hub's configuration for it (version 0: none) and the version the agent last reported applying.
    public var configVersion: Int64
    public var statusIntervalSeconds: Int?
    public var resendAfterSeconds: Int?
    public var appliedConfigVersion: Int64?
    /// When the hub last issued its MQTT credentials.
    public var credentialsIssuedAt: Date?
}

/// A device's status when it changed.
public struct DeviceStatusEvent: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var connected: Bool?
    public var batteryPercent: Int?
    public var rssiDBm: Int?
    public var firmware: String?
}

/// A gateway going online or offline.
public struct GatewayStatusEvent: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var online: Bool
    public var version: String?
}

/// One assignment of a device to a patient; `until` nil while current.
public struct DeviceAssignment: Sendable, Hashable {
    public var patientID: Int64
    public var since: Date
    public var until: Date?
}

extension AppDatabase {
    /// Registers a new device under a gateway (made known if new); throws when the id is taken.
    public func registerNewDevice(_ externalID: String, gatewayID: String, at time: Date) async throws {
        let now = time.millisecondsSince1970
        try await writer.write { db in
            if let owner = try String.fetchOne(db, sql: "SELECT gatewayID FROM device WHERE externalID = ?", arguments: [externalID]) {
                throw RegistryError.deviceExists(device: externalID, gateway: owner)
            }
            try Self.touchGateway(db, id: gatewayID, at: now)
            try db.execute(sql: "INSERT INTO device (externalID, gatewayID, registeredAt) VALUES (?, ?, ?)", arguments: [externalID, gatewayID, now])
        }
    }

    /// A device's assignments, oldest first.
    public func assignments(device externalID: String) async throws -> [DeviceAssignment] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.patientID, a.since, a.until FROM deviceAssignment a JOIN device d ON d.id = a.deviceID WHERE d.externalID = ? ORDER BY a.since, a.id
                """, arguments: [externalID]).map {
                DeviceAssignment(patientID: $0["patientID"], since: Date(millisecondsSince1970: $0["since"]),
                                 until: ($0["until"] as Int64?).map(Date.init(millisecondsSince1970:)))
            }
        }
    }

    /// A device's status changes, newest first, with ids below `cursor`.
    public func deviceStatusHistory(device externalID: String, before cursor: Int64?, limit: Int) async throws -> [DeviceStatusEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.* FROM deviceStatusEvent e JOIN device d ON d.id = e.deviceID WHERE d.externalID = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?
                """, arguments: [externalID, cursor ?? Int64.max, limit]).map {
                DeviceStatusEvent(id: $0["id"], at: Date(millisecondsSince1970: $0["at"]), connected: $0["connected"], batteryPercent: $0["batteryPercent"],
                                  rssiDBm: $0["rssiDBm"], firmware: $0["firmware"])
            }
        }
    }

    /// A gateway's online/offline changes, newest first, with ids below `cursor`.
    public func gatewayStatusHistory(gateway id: String, before cursor: Int64?, limit: Int) async throws -> [GatewayStatusEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM gatewayStatusEvent WHERE gatewayID = ? AND id < ? ORDER BY id DESC LIMIT ?",
                             arguments: [id, cursor ?? Int64.max, limit]).map {
                GatewayStatusEvent(id: $0["id"], at: Date(millisecondsSince1970: $0["at"]), online: $0["online"], version: $0["version"])
            }
        }
    }

    /// Every gateway, by id.
    public func gateways() async throws -> [GatewaySummary] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT g.rowid AS position, g.*, (SELECT COUNT(*) FROM device d WHERE d.gatewayID = g.id) AS deviceCount FROM gateway g ORDER BY g.rowid
                """).map { row in
                GatewaySummary(
                    position: row["position"], id: row["id"], online: row["online"], version: row["version"], wifiLinkQuality: row["wifiLinkQuality"], outboxDepth: row["outboxDepth"],
                    outboxDropped: row["outboxDropped"], lastSeenAt: (row["lastSeenAt"] as Int64?).map(Date.init(millisecondsSince1970:)),
                    statusChangedAt: (row["statusChangedAt"] as Int64?).map(Date.init(millisecondsSince1970:)), deviceCount: row["deviceCount"],
                    configVersion: row["configVersion"], statusIntervalSeconds: row["statusIntervalSeconds"], resendAfterSeconds: row["resendAfterSeconds"],
                    appliedConfigVersion: row["appliedConfigVersion"],
                    credentialsIssuedAt: (row["credentialsIssuedAt"] as Int64?).map(Date.init(millisecondsSince1970:)))
            }
        }
    }

    /// The technical conditions with an open alert, per device.
    public func openTechnicalConditions() async throws -> [String: Set<TechnicalCondition>] {
        try await writer.read { db in
            var result: [String: Set<TechnicalCondition>] = [:]
            for cause in try String.fetchAll(db, sql: "SELECT cause FROM alert WHERE category = 'technical' AND status != 'resolved'") {
                guard case .technical(let condition, let device) = try JSONDecoder().decode(AlertCause.self, from: Data(cause.utf8)) else { continue }
                result[device, default: []].insert(condition)
            }
            return result
        }
    }
}

extension AppDatabase {
    /// Makes a gateway known (before its agent first connects) and records that its credentials were issued now.
    public func recordCredentialsIssued(gateway id: String, at time: Date) async throws {
        let now = time.millisecondsSince1970
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO gateway (id) VALUES (?) ON CONFLICT(id) DO NOTHING", arguments: [id])
            try db.execute(sql: "UPDATE gateway SET credentialsIssuedAt = ? WHERE id = ?", arguments: [now, id])
        }
    }
}
