import Foundation
import Logging
import MQTT
import Telemetry

/// Issues and rotates gateways' MQTT credentials through Mosquitto's dynamic-security plugin: one broker client
/// per gateway (username = gateway id) with a role of its own that lets it publish only its own statuses and
/// readings and subscribe only to its own acknowledgements and configuration.
///
/// The hub talks to the plugin over MQTT (`$CONTROL/dynamic-security/v1`) as a client with the plugin's admin role,
/// so it needs no access to the broker's files or process. Passwords are random (24 bytes, base64url), returned
/// once, and never stored by the hub; the broker keeps only its salted hash.
public struct GatewayCredentials: Sendable {
    /// The admin connection to the broker.
    public let connection: MQTTConfiguration
    public let topics: TopicTree
    let logger: Logger
    /// How long to wait for the plugin's answer.
    let timeout: Duration

    static let controlTopic = "$CONTROL/dynamic-security/v1"
    static let responseTopic = "$CONTROL/dynamic-security/v1/response"

    /// Credentials managed through the broker at `connection`, whose credentials must have the plugin's admin role.
    public init(connection: MQTTConfiguration, topics: TopicTree = TopicTree(), timeout: Duration = .seconds(10), logger: Logger) {
        self.connection = connection
        self.topics = topics
        self.timeout = timeout
        self.logger = logger
    }

    /// A gateway's credentials as issued: shown once.
    public struct Issued: Sendable, Hashable {
        public var username: String
        public var password: String
    }

    /// The plugin refused a command, or did not answer.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case refused(command: String, reason: String)
        case noAnswer
        /// The broker has a client of that name that is not a gateway's (the hub's own, an admin): never touched.
        case notAGateway(String)

        public var description: String {
            switch self {
            case .refused(let command, let reason): "the broker's dynamic-security plugin refused \(command): \(reason)"
            case .noAnswer: "the broker's dynamic-security plugin did not answer"
            case .notAGateway(let name): "the broker's client \"\(name)\" is not a gateway's; its credentials are not the hub's to issue"
            }
        }
    }

    /// The role a gateway's client has: its own topics and nothing else.
    func roleName(_ gateway: String) -> String { "silverwatch-gateway-\(gateway)" }

    func acls(_ gateway: String) -> [[String: Any]] {
        let send = [topics.topic(.gatewayStatus(gateway: gateway)), topics.topic(.readings(gateway: gateway, device: "+")),
                    topics.topic(.deviceStatus(gateway: gateway, device: "+"))]
        let receive = [topics.topic(.acknowledgements(gateway: gateway)), topics.topic(.configuration(gateway: gateway))]
        return send.map { ["acltype": "publishClientSend", "topic": $0, "allow": true] }
            + receive.map { ["acltype": "subscribePattern", "topic": $0, "allow": true] }
            + receive.map { ["acltype": "publishClientReceive", "topic": $0, "allow": true] }
    }

    /// Issues credentials for `gateway`: creates its client and role on first use, otherwise sets a new password and
    /// disconnects whoever is connected with the old one (the agent reconnects once it has the new password).
    public func issue(gateway: String) async throws -> Issued {
        guard TopicTree.isValidIdentifier(gateway) else { throw Failure.refused(command: "createClient", reason: "\"\(gateway)\" is not a gateway id") }
        let password = Self.randomPassword()
        return try await MQTTClient.withConnection(connection, logger: logger) { client in
            let commands = Commands(client: client, timeout: timeout)
            try await commands.subscribe()
            // An existing client is rotated only when it is this gateway's, with no role but the gateway's own: the
            // hub's own client or the broker's admin must never be taken over through a gateway id.
            if let roles = try await commands.roles(of: gateway), roles != [roleName(gateway)] { throw Failure.notAGateway(gateway) }
            try await commands.ensureRole(roleName(gateway), acls: acls(gateway))
            let created = try await commands.run(
                ["command": "createClient", "username": gateway, "password": password, "roles": [["rolename": roleName(gateway)]]],
                allowing: "Client already exists")
            if !created {
                _ = try await commands.run(["command": "setClientPassword", "username": gateway, "password": password])
                // Ends any session authenticated with the old password.
                _ = try await commands.run(["command": "disableClient", "username": gateway])
                _ = try await commands.run(["command": "enableClient", "username": gateway])
            }
            logger.info("gateway credentials issued", metadata: ["gateway": "\(gateway)", "rotated": "\(!created)"])
            return Issued(username: gateway, password: password)
        }
    }

    /// Makes sure the hub's own ingest client exists with `password` and a role that reads every gateway's statuses
    /// and readings and writes acknowledgements and configuration (run at start-up: the hub's configuration is the
    /// source of truth for its own credentials).
    public func ensureHubClient(username: String, password: String) async throws {
        let role = "silverwatch-hub"
        try await MQTTClient.withConnection(connection, logger: logger) { client in
            let commands = Commands(client: client, timeout: timeout)
            try await commands.subscribe()
            var acls: [[String: Any]] = topics.hubSubscriptions.flatMap { filter in
                [["acltype": "subscribePattern", "topic": filter, "allow": true], ["acltype": "publishClientReceive", "topic": filter, "allow": true]]
            }
            acls += [topics.topic(.acknowledgements(gateway: "+")), topics.topic(.configuration(gateway: "+"))].map {
                ["acltype": "publishClientSend", "topic": $0, "allow": true]
            }
            try await commands.ensureRole(role, acls: acls)
            let created = try await commands.run(["command": "createClient", "username": username, "password": password, "roles": [["rolename": role]]],
                                                 allowing: "Client already exists")
            if !created { _ = try await commands.run(["command": "setClientPassword", "username": username, "password": password]) }
        }
    }

    static func randomPassword() -> String {
        // SystemRandomNumberGenerator reads the kernel's CSPRNG (getrandom on Linux).
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// One admin connection's commands, each sent and its answer awaited in turn.
    private struct Commands {
        let client: MQTTClient
        let timeout: Duration

        func subscribe() async throws {
            try await client.subscribe(to: GatewayCredentials.responseTopic, qos: .atLeastOnce)
        }

        /// Creates role `name` if it is missing and gives it `acls`; ACLs it has already are kept, so an older
        /// hub's role is brought up to date.
        func ensureRole(_ name: String, acls: [[String: Any]]) async throws {
            _ = try await run(["command": "createRole", "rolename": name], allowing: "Role already exists")
            for acl in acls {
                var command = acl
                command["command"] = "addRoleACL"
                command["rolename"] = name
                command["priority"] = 0
                _ = try await run(command, allowing: "ACL with this topic already exists")
            }
        }

        /// The role names of client `username`, or nil when the broker has no such client.
        func roles(of username: String) async throws -> [String]? {
            let (error, data) = try await answer(["command": "getClient", "username": username])
            if error == "Client not found" { return nil }
            if let error, !error.isEmpty { throw Failure.refused(command: "getClient", reason: error) }
            guard let json = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any],
                  let client = json["client"] as? [String: Any] else { throw Failure.noAnswer }
            return ((client["roles"] as? [[String: Any]]) ?? []).compactMap { $0["rolename"] as? String }.sorted()
        }

        /// Runs `command`; true when it succeeded, false when it failed with the `allowing` error (an idempotent
        /// step that was already done); throws on any other answer.
        @discardableResult
        func run(_ command: [String: Any], allowing tolerated: String? = nil) async throws -> Bool {
            let name = command["command"] as? String ?? "?"
            let (answer, _) = try await answer(command)
            guard let error = answer else { return true }
            if let tolerated, error == tolerated { return false }
            throw Failure.refused(command: name, reason: error)
        }

        /// Sends `command` and waits for its answer: the error text (nil for success) and the `data` as JSON text.
        func answer(_ command: [String: Any]) async throws -> (error: String?, data: String) {
            let correlation = UUID().uuidString
            var body = command
            body["correlationData"] = correlation
            let payload = try JSONSerialization.data(withJSONObject: ["commands": [body]])
            try await client.publish(topic: GatewayCredentials.controlTopic, payload: Array(payload), qos: .atLeastOnce)
            let answer: (String?, String)? = try await withDeadline(timeout) { [client] in
                for try await message in client.messages where message.topic == GatewayCredentials.responseTopic {
                    guard let json = try? JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any],
                          let responses = json["responses"] as? [[String: Any]] else { continue }
                    if let response = responses.first(where: { $0["correlationData"] as? String == correlation }) {
                        let data = (response["data"]).flatMap { try? JSONSerialization.data(withJSONObject: $0) }.map { String(decoding: $0, as: UTF8.self) }
                        return (response["error"] as? String, data ?? "{}")
                    }
                }
                return nil
            }
            guard let answer else { throw Failure.noAnswer }
            return (answer.0, answer.1)
        }
    }
}
