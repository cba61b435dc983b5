import BrokerSupport
import Foundation
import Logging
import MQTT
import Telemetry
import Testing

/// The broker ACL shipped in systemd/mosquitto/silverwatch.acl, on a real broker with one password per client.
@Suite struct BrokerACLTests {
    static let acl: String = {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("systemd/mosquitto/silverwatch.acl")
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }()

    static func client(_ user: String, port: Int) -> MQTTConfiguration {
        MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "\(user)-\(UUID().uuidString.prefix(6))",
                          credentials: .init(username: user, password: "pw-\(user)"))
    }

    @Test func aGatewayWritesOnlyUnderItsOwnTopicsAndTheHubReadsThemAll() async throws {
        #expect(Self.acl.contains("pattern write silverwatch/v1/gateways/%u/devices/+/readings"))
        let users = ["gw-1": "pw-gw-1", "gw-2": "pw-gw-2", "silverwatch-hub": "pw-silverwatch-hub"]
        var logger = Logger(label: "test.acl")
        logger.logLevel = .critical
        let topics = TopicTree()
        try await withBroker(.init(users: users, acl: Self.acl)) { broker in
            try await MQTTClient.withConnection(Self.client("silverwatch-hub", port: broker.port), logger: logger) { hub in
                _ = try await hub.subscribe(topics.hubSubscriptions.map { ($0, QoS.atLeastOnce) })
                try await MQTTClient.withConnection(Self.client("gw-1", port: broker.port), logger: logger) { gateway in
                    // Its own readings reach the hub.
                    try await gateway.publish(topic: topics.topic(.readings(gateway: "gw-1", device: "oxi-1")), payload: Array("own".utf8))
                    // Another home's topic is refused by the broker (MQTT 5 PUBACK "not authorised") and never delivered.
                    await #expect(throws: MQTTError.self) {
                        try await gateway.publish(topic: topics.topic(.readings(gateway: "gw-2", device: "oxi-9")), payload: Array("forged".utf8))
                    }
                    // A gateway may not write acknowledgements, not even its own.
                    await #expect(throws: MQTTError.self) {
                        try await gateway.publish(topic: topics.topic(.acknowledgements(gateway: "gw-1")), payload: Array("fake ack".utf8))
                    }
                    // It reads its own acknowledgements, and not another gateway's.
                    _ = try await gateway.subscribe([("silverwatch/v1/gateways/+/acks", .atLeastOnce)])
                    try await hub.publish(topic: topics.topic(.acknowledgements(gateway: "gw-2")), payload: Array("for gw-2".utf8))
                    try await hub.publish(topic: topics.topic(.acknowledgements(gateway: "gw-1")), payload: Array("for gw-1".utf8))
                    var gatewayIterator = gateway.messages.makeAsyncIterator()
                    let delivered = try await gatewayIterator.next()
                    #expect(delivered?.topic == topics.topic(.acknowledgements(gateway: "gw-1")))
                    #expect(delivered.map { String(decoding: $0.payload, as: UTF8.self) } == "for gw-1")
                    // A last message on its own topic: whatever the hub received in between was forged.
                    try await gateway.publish(topic: topics.topic(.readings(gateway: "gw-1", device: "oxi-1")), payload: Array("end".utf8))
                }
                var hubIterator = hub.messages.makeAsyncIterator()
                let first = try await hubIterator.next()
                let second = try await hubIterator.next()
                #expect([first, second].map { $0.map { String(decoding: $0.payload, as: UTF8.self) } } == ["own", "end"],
                        "the forged message never reached the hub")
            }
        }
    }
}
