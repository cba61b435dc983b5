/// The MQTT topic tree between gateways (one edge agent per home) and the hub.
///
/// ```
/// <root>/gateways/<gateway>/status                      gateway → hub, retained, QoS 1; last will "offline"
/// <root>/gateways/<gateway>/devices/<device>/readings   gateway → hub, QoS 1
/// <root>/gateways/<gateway>/devices/<device>/status     gateway → hub, retained, QoS 1
/// <root>/gateways/<gateway>/acks                        hub → gateway, QoS 1
/// <root>/gateways/<gateway>/config                      hub → gateway, retained, QoS 1
/// ```
///
/// The gateway id is also its MQTT username, so one broker ACL pattern keeps every gateway under its own branch.
/// Identifiers are 1–64 characters of `A-Z a-z 0-9 . _ -`: never a topic separator or wildcard.
public struct TopicTree: Sendable, Hashable {
    /// The prefix of every topic, e.g. `silverwatch/v1`.
    public let root: String

    /// A topic tree under `root`; the default is `silverwatch/v1`, versioned so a later schema can live beside it.
    public init(root: String = "silverwatch/v1") {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// Where a topic leads, once parsed.
    public enum Route: Sendable, Hashable {
        /// `…/gateways/<gateway>/status`.
        case gatewayStatus(gateway: String)
        /// `…/gateways/<gateway>/devices/<device>/readings`.
        case readings(gateway: String, device: String)
        /// `…/gateways/<gateway>/devices/<device>/status`.
        case deviceStatus(gateway: String, device: String)
        /// `…/gateways/<gateway>/acks`.
        case acknowledgements(gateway: String)
        /// `…/gateways/<gateway>/config`.
        case configuration(gateway: String)
    }

    /// The topic of `route`.
    public func topic(_ route: Route) -> String {
        switch route {
        case .gatewayStatus(let gateway): "\(root)/gateways/\(gateway)/status"
        case .readings(let gateway, let device): "\(root)/gateways/\(gateway)/devices/\(device)/readings"
        case .deviceStatus(let gateway, let device): "\(root)/gateways/\(gateway)/devices/\(device)/status"
        case .acknowledgements(let gateway): "\(root)/gateways/\(gateway)/acks"
        case .configuration(let gateway): "\(root)/gateways/\(gateway)/config"
        }
    }

    /// The subscription filters the hub uses: every gateway's status, readings and device status.
    public var hubSubscriptions: [String] {
        ["\(root)/gateways/+/status", "\(root)/gateways/+/devices/+/readings", "\(root)/gateways/+/devices/+/status"]
    }

    /// The subscription filters a gateway uses: its acknowledgements and configuration.
    public func gatewaySubscriptions(gateway: String) -> [String] {
        [topic(.acknowledgements(gateway: gateway)), topic(.configuration(gateway: gateway))]
    }

    /// Parses a topic, or says why it is not one of ours.
    public func route(of topic: String) throws(PayloadError) -> Route {
        let prefix = root + "/gateways/"
        guard topic.hasPrefix(prefix) else { throw PayloadError(field: "topic", reason: "is not under \(prefix)") }
        let parts = topic.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let gateway = parts.first else { throw PayloadError(field: "topic", reason: "names no gateway") }
        try Self.validate(gateway, field: "topic.gateway")
        switch parts.count {
        case 2 where parts[1] == "status": return .gatewayStatus(gateway: gateway)
        case 2 where parts[1] == "acks": return .acknowledgements(gateway: gateway)
        case 2 where parts[1] == "config": return .configuration(gateway: gateway)
        case 4 where parts[1] == "devices":
            try Self.validate(parts[2], field: "topic.device")
            switch parts[3] {
            case "readings": return .readings(gateway: gateway, device: parts[2])
            case "status": return .deviceStatus(gateway: gateway, device: parts[2])
            default: break
            }
        default: break
        }
        throw PayloadError(field: "topic", reason: "\"\(topic)\" is not a SilverWatch topic")
    }

    /// Whether `identifier` may name a gateway or device.
    public static func isValidIdentifier(_ identifier: String) -> Bool {
        (1...64).contains(identifier.utf8.count)
            && identifier.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            }
    }

    package static func validate(_ identifier: String, field: String) throws(PayloadError) {
        guard isValidIdentifier(identifier) else {
            throw PayloadError(field: field, reason: "must be 1–64 characters of A-Z, a-z, 0-9, '.', '_' or '-'")
        }
    }
}
