import Foundation
import Hub
import Hummingbird
import Vitals

extension DTO {
    struct Device: ResponseEncodable, Sendable {
        /// What needs a technician's attention.
        enum Attention: String, Encodable, Sendable, CaseIterable {
            case offline
            case lowBattery = "low-battery"
            case weakSignal = "weak-signal"
            case stale
        }

        var id: String
        var gatewayId: String
        var model: String?
        var firmware: String?
        /// Online: its gateway is online, the agent has a link to it, and it was heard from within its timeout.
        var online: Bool
        var connected: Bool?
        var gatewayOnline: Bool
        var batteryPercent: Int?
        var rssiDBm: Int?
        var lastSeenAt: Date?
        var lastReadingAt: Date?
        var patientId: Int64?
        var inactivityTimeoutSeconds: Int?
        var rejectedMessages: Int?
        var discardedBytes: Int?
        var attention: [Attention]
        /// The technical conditions with an open alert.
        var openConditions: [String]
        /// Cursor position (the hub's own number for the device).
        let position: Int64

        enum CodingKeys: String, CodingKey {
            case id, gatewayId, model, firmware, online, connected, gatewayOnline, batteryPercent, rssiDBm, lastSeenAt, lastReadingAt, patientId,
                 inactivityTimeoutSeconds, rejectedMessages, discardedBytes, attention, openConditions
        }

        init(_ device: DeviceSummary, openConditions: Set<TechnicalCondition>, limits: TechnicalAlarmPolicy, at now: Date) {
            id = device.externalID
            gatewayId = device.gatewayID
            model = device.model
            firmware = device.firmware
            connected = device.connected
            gatewayOnline = device.gatewayOnline
            batteryPercent = device.batteryPercent
            rssiDBm = device.rssiDBm
            lastSeenAt = device.lastSeenAt.map(Date.init(millisecondsSince1970:))
            lastReadingAt = device.lastReadingAt.map(Date.init(millisecondsSince1970:))
            patientId = device.patientID
            inactivityTimeoutSeconds = device.inactivityTimeoutSeconds
            rejectedMessages = device.rejectedMessages
            discardedBytes = device.discardedBytes
            position = device.id
            let timeout = device.inactivityTimeoutSeconds.map { Double($0) } ?? Double(limits.offlineAfter.components.seconds)
            let heardRecently = device.lastSeenAt.map { now.timeIntervalSince(Date(millisecondsSince1970: $0)) <= timeout } ?? false
            online = device.gatewayOnline && device.connected != false && heardRecently
            var attention: [Attention] = []
            if !online || openConditions.contains(.deviceOffline) { attention.append(.offline) }
            if let battery = device.batteryPercent, battery <= limits.batteryWarningPercent { attention.append(.lowBattery) }
            if let rssi = device.rssiDBm, rssi < limits.weakSignalBelowDBm { attention.append(.weakSignal) }
            if openConditions.contains(.staleData) { attention.append(.stale) }
            self.attention = attention
            self.openConditions = openConditions.map(\.rawValue).sorted()
        }
    }

    struct Assignment: Encodable, Sendable {
        var patientId: Int64
        var since: Date
        var until: Date?

        init(_ assignment: DeviceAssignment) {
            patientId = assignment.patientID
            since = assignment.since
            until = assignment.until
        }
    }

    struct DeviceDetail: ResponseEncodable, Sendable {
        var device: Device
        /// Every assignment, oldest first: readings belong to the one in force when they were measured.
        var assignments: [Assignment]
    }

    struct NewDevice: Decodable {
        var deviceId: String
        var gatewayId: String
    }

    /// A merge patch: `inactivityTimeoutSeconds: null` goes back to the hub's default.
    struct DevicePatch: Decodable {
        var inactivityTimeoutSeconds: Int??

        enum CodingKeys: String, CodingKey { case inactivityTimeoutSeconds }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            inactivityTimeoutSeconds = try container.decodeNullable(Int.self, forKey: .inactivityTimeoutSeconds)
        }
    }

    struct AssignDevice: Decodable {
        /// The patient; null ends the current assignment.
        var patientId: Int64?
        /// Default now.
        var since: Date?

        enum CodingKeys: String, CodingKey { case patientId, since }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            patientId = try container.decodeRequiredNullable(Int64.self, forKey: .patientId)
            since = try container.decodeUnlessAbsent(Date.self, forKey: .since)
        }
    }

    struct DeviceStatusEvent: Encodable, Sendable {
        var at: Date
        var connected: Bool?
        var batteryPercent: Int?
        var rssiDBm: Int?
        var firmware: String?

        init(_ event: Hub.DeviceStatusEvent) {
            at = event.at
            connected = event.connected
            batteryPercent = event.batteryPercent
            rssiDBm = event.rssiDBm
            firmware = event.firmware
        }
    }

    struct GatewayStatusEvent: Encodable, Sendable {
        var at: Date
        var online: Bool
        var version: String?

        init(_ event: Hub.GatewayStatusEvent) {
            at = event.at
            online = event.online
            version = event.version
        }
    }

    struct Gateway: ResponseEncodable, Sendable {
        struct Configuration: Encodable, Sendable {
            /// 0 until the hub sets something; the agent's file decides until then.
            var version: Int64
            var statusIntervalSeconds: Int?
            var resendAfterSeconds: Int?
            /// Whether the agent reported applying this version.
            var applied: Bool
        }
        var id: String
        var online: Bool
        var version: String?
        var wifiLinkQuality: Int?
        var outboxDepth: Int?
        var outboxDropped: Int?
        var lastSeenAt: Date?
        var statusChangedAt: Date?
        var deviceCount: Int
        var configuration: Configuration
        /// When the hub last issued its MQTT credentials.
        var credentialsIssuedAt: Date?
        let position: Int64

        enum CodingKeys: String, CodingKey {
            case id, online, version, wifiLinkQuality, outboxDepth, outboxDropped, lastSeenAt, statusChangedAt, deviceCount, configuration,
                 credentialsIssuedAt
        }

        init(_ gateway: GatewaySummary) {
            id = gateway.id
            online = gateway.online
            version = gateway.version
            wifiLinkQuality = gateway.wifiLinkQuality
            outboxDepth = gateway.outboxDepth
            outboxDropped = gateway.outboxDropped
            lastSeenAt = gateway.lastSeenAt
            statusChangedAt = gateway.statusChangedAt
            deviceCount = gateway.deviceCount
            configuration = Configuration(version: gateway.configVersion, statusIntervalSeconds: gateway.statusIntervalSeconds,
                                          resendAfterSeconds: gateway.resendAfterSeconds,
                                          applied: gateway.configVersion == 0 || gateway.appliedConfigVersion == gateway.configVersion)
            credentialsIssuedAt = gateway.credentialsIssuedAt
            position = gateway.position
        }
    }

    /// A merge patch of the hub's settings for a gateway: absent stays, null hands the setting back to the agent's file.
    struct GatewayPatch: Decodable {
        var statusIntervalSeconds: Int??
        var resendAfterSeconds: Int??

        enum CodingKeys: String, CodingKey { case statusIntervalSeconds, resendAfterSeconds }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            statusIntervalSeconds = try container.decodeNullable(Int.self, forKey: .statusIntervalSeconds)
            resendAfterSeconds = try container.decodeNullable(Int.self, forKey: .resendAfterSeconds)
        }
    }
}

extension DTO {
    /// A gateway's MQTT credentials, shown once: the hub does not keep the password.
    struct IssuedCredentials: ResponseEncodable, Sendable {
        var gatewayId: String
        var username: String
        var password: String
        var issuedAt: Date
    }
}
