import BrokerSupport
import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import HummingbirdTesting
import Logging
import MQTT
import Telemetry
import Testing

/// Gateways' MQTT credentials through a real Mosquitto with its dynamic-security plugin: what a gateway may do with
/// them, and rotation.
@Suite(.serialized) struct GatewayCredentialsTests {
    static let admin = (username: "silverwatch-admin", password: "admin password for the tests")

    func connection(_ port: Int, _ username: String, _ password: String) -> MQTTConfiguration {
        MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "\(username)-\(UUID().uuidString.prefix(8))",
                          credentials: .init(username: username, password: password), connectTimeout: .seconds(5))
    }

    @Test func aGatewayMayUseOnlyItsOwnTopicsAndRotationLocksTheOldPasswordOut() async throws {
        try await withBroker(.init(dynamicSecurityAdmin: Self.admin)) { broker in
            let logger = Logger(label: "test.credentials")
            let credentials = GatewayCredentials(connection: connection(broker.port, Self.admin.username, Self.admin.password), logger: logger)
            let database = try AppDatabase.inMemory()
            var configuration = APIConfiguration()
            configuration.passwordHashCost = 4
            let api = try await APIEnvironment(database: database, gatewayCredentials: credentials, configuration: configuration)
            let password = "technician password"
            let technician = try await database.createAccount(NewAccount(username: "tech", displayName: "Tech", role: .technician),
                                                              passwordHash: try await api.passwords.hash(password), at: Date())
            _ = technician
            let issued = try await Application(router: buildRouter(api)).test(.router) { client -> (String, String) in
                let login = try await client.executeRequest(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                            body: ByteBuffer(string: #"{"username": "tech", "password": "\#(password)"}"#))
                let token = try #require((try JSONSerialization.jsonObject(with: Data(login.body.readableBytesView)) as? [String: Any])?["accessToken"] as? String)
                var passwords: [String] = []
                for _ in 0..<2 {
                    let response = try await client.executeRequest(uri: "/api/v1/gateways/gw-7/credentials", method: .post,
                                                                   headers: [.authorization: "Bearer \(token)"], body: nil)
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    #expect(response.headers[.cacheControl] == "no-store")
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                    #expect(json["username"] as? String == "gw-7")
                    passwords.append(try #require(json["password"] as? String))
                }
                return (passwords[0], passwords[1])
            }
            let (old, current) = issued
            #expect(old != current)
            #expect(try await database.gateways().first { $0.id == "gw-7" }?.credentialsIssuedAt != nil)

            // The rotated-out password is refused.
            await #expect(throws: MQTTError.self) {
                try await MQTTClient.withConnection(connection(broker.port, "gw-7", old), logger: logger) { _ in }
            }
            // The current one connects, and may publish and subscribe on the gateway's own topics only.
            let topics = TopicTree()
            try await MQTTClient.withConnection(connection(broker.port, "gw-7", current), logger: logger) { client in
                try await client.publish(topic: topics.topic(.gatewayStatus(gateway: "gw-7")), payload: Array("{}".utf8), qos: .atLeastOnce)
                try await client.publish(topic: topics.topic(.readings(gateway: "gw-7", device: "oxi-1")), payload: Array("{}".utf8), qos: .atLeastOnce)
                try await client.subscribe(to: topics.topic(.acknowledgements(gateway: "gw-7")))
                await #expect(throws: MQTTError.self, "another home's readings") {
                    try await client.publish(topic: topics.topic(.readings(gateway: "gw-8", device: "oxi-1")), payload: Array("{}".utf8), qos: .atLeastOnce)
                }
                await #expect(throws: MQTTError.self, "another home's acknowledgements") {
                    try await client.subscribe(to: topics.topic(.acknowledgements(gateway: "gw-8")))
                }
                await #expect(throws: MQTTError.self, "the hub's acknowledgements topic of its own gateway is read-only for it") {
                    try await client.publish(topic: topics.topic(.acknowledgements(gateway: "gw-7")), payload: Array("{}".utf8), qos: .atLeastOnce)
                }
            }
            // The hub's own client, as the hub makes it at start-up: reads every gateway, writes acknowledgements.
            try await credentials.ensureHubClient(username: "silverwatch-hub", password: "hub password")
            try await credentials.ensureHubClient(username: "silverwatch-hub", password: "hub password")
            // Neither the hub's client nor the broker's admin can be taken over by naming it as a gateway.
            for name in ["silverwatch-hub", Self.admin.username] {
                await #expect(throws: GatewayCredentials.Failure.notAGateway(name)) { try await credentials.issue(gateway: name) }
            }
            try await MQTTClient.withConnection(connection(broker.port, Self.admin.username, Self.admin.password), logger: logger) { _ in }
            try await MQTTClient.withConnection(connection(broker.port, "silverwatch-hub", "hub password"), logger: logger) { client in
                try await client.subscribe(topics.hubSubscriptions.map { ($0, QoS.atLeastOnce) })
                try await client.publish(topic: topics.topic(.acknowledgements(gateway: "gw-7")), payload: Array("{}".utf8), qos: .atLeastOnce)
                await #expect(throws: MQTTError.self, "the hub does not write gateways' readings") {
                    try await client.publish(topic: topics.topic(.readings(gateway: "gw-7", device: "oxi-1")), payload: Array("{}".utf8), qos: .atLeastOnce)
                }
            }
        }
    }
}
