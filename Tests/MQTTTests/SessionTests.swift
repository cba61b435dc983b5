import BrokerSupport
import Testing
@testable import MQTT

@Suite("Sessions, last will and reconnection")
struct SessionTests {
    @Test(arguments: [MQTTConfiguration.ProtocolVersion.v5, .v3_1_1])
    func persistentSessionDeliversWhatWasPublishedWhileTheSubscriberWasOffline(version: MQTTConfiguration.ProtocolVersion) async throws {
        try await withBroker { broker in
            let hub = MQTTConfiguration.local(broker, clientID: "hub", session: .persistent(), protocolVersion: version)
            // Given a persistent subscriber that went away cleanly,
            try await MQTTClient.withConnection(hub, logger: testLogger) { client in
                try await client.subscribe(to: "gateways/+/readings", qos: .atLeastOnce)
            }
            // when readings are published while it is offline,
            try await MQTTClient.withConnection(.local(broker, clientID: "gateway"), logger: testLogger) { gateway in
                for sequence in 0..<20 {
                    try await gateway.publish(topic: "gateways/g-1/readings", payload: sequence.bigEndianBytes, qos: .atLeastOnce)
                }
            }
            // then it resumes its session and receives every one of them.
            try await MQTTClient.withConnection(hub, logger: testLogger) { client in
                #expect(try await nextEvent(client.connectionEvents()) == .connected(sessionPresent: true))
                let received = try await receive(20, on: client)
                #expect(received.map { Int(fromBigEndianBytes: $0.payload) } == Array(0..<20))
                #expect(received.allSatisfy { $0.qos == .atLeastOnce })
            }
        }
    }

    @Test func lastWillIsPublishedWhenTheConnectionDiesUncleanly() async throws {
        try await withBroker { broker in
            try await MQTTClient.withConnection(.local(broker, clientID: "observer"), logger: testLogger) { observer in
                try await observer.subscribe(to: "gateways/+/status")

                var gateway = MQTTConfiguration.local(broker, clientID: "gw-7")
                gateway.will = .init(topic: "gateways/gw-7/status", payload: "offline".bytes, qos: .atLeastOnce, retain: true)
                try await MQTTClient.withConnection(gateway, logger: testLogger) { client in
                    let events = client.connectionEvents()
                    #expect(try await nextEvent(events) == .connected(sessionPresent: false))

                    // When the TCP connection dies without a DISCONNECT,
                    client.severConnectionForTesting()

                    // the broker publishes the will (retained),
                    let will = try await receive(1, on: observer)
                    #expect(will == [MQTTMessage(topic: "gateways/gw-7/status", payload: "offline".bytes, qos: .atLeastOnce, retain: false)])

                    // and the client reports the loss and reconnects by itself.
                    guard case .disconnected(_, reconnecting: true) = try await nextEvent(events) else {
                        Issue.record("expected a disconnection with reconnect")
                        return
                    }
                    #expect(try await nextEvent(events) == .connected(sessionPresent: false))
                }
            }
            try await MQTTClient.withConnection(.local(broker, clientID: "late-observer"), logger: testLogger) { late in
                try await late.subscribe(to: "gateways/gw-7/status")
                #expect(try await receive(1, on: late).map(\.retain) == [true])
            }
        }
    }

    @Test func cleanDisconnectDoesNotPublishTheWill() async throws {
        try await withBroker { broker in
            var gateway = MQTTConfiguration.local(broker, clientID: "gw-8")
            gateway.will = .init(topic: "gateways/gw-8/status", payload: "offline".bytes, qos: .atLeastOnce, retain: true)
            try await MQTTClient.withConnection(gateway, logger: testLogger) { client in
                try await client.publish(topic: "gateways/gw-8/status", payload: "online".bytes, qos: .atLeastOnce, retain: true)
            }
            // Had the will been published at the disconnect, it would have replaced the retained "online".
            try await MQTTClient.withConnection(.local(broker, clientID: "observer"), logger: testLogger) { observer in
                try await observer.subscribe(to: "gateways/gw-8/status")
                #expect(try await receive(1, on: observer).map(\.payload) == ["online".bytes])
            }
        }
    }

    @Test func brokerRestartMakesTheClientReconnectAndDeliverAPublishIssuedWhileDown() async throws {
        try await withBroker(.init(persistence: true)) { broker in
            let hub = MQTTConfiguration.local(broker, clientID: "hub", session: .persistent())
            try await MQTTClient.withConnection(hub, logger: testLogger) { subscriber in
                try await subscriber.subscribe(to: "gateways/+/readings", qos: .atLeastOnce)
                try await MQTTClient.withConnection(.local(broker, clientID: "gw-1"), logger: testLogger) { gateway in
                    let events = gateway.connectionEvents()
                    #expect(try await nextEvent(events) == .connected(sessionPresent: false))

                    // Given the broker goes down,
                    await broker.stop()
                    guard case .disconnected(_, reconnecting: true) = try await nextEvent(events) else {
                        Issue.record("expected a disconnection with reconnect")
                        return
                    }

                    // a QoS 1 publish issued meanwhile waits for the broker's acknowledgement,
                    let publish = Task {
                        try await gateway.publish(topic: "gateways/gw-1/readings", payload: "while down".bytes, qos: .atLeastOnce)
                    }
                    try await Task.sleep(for: .milliseconds(300))

                    // and once the broker is back, the client reconnects by itself, the publish completes,
                    try await broker.start()
                    #expect(try await nextEvent(events) == .connected(sessionPresent: false))
                    try await within { try await publish.value }

                    // and the subscriber, whose persistent session the broker restored, receives it.
                    let received = try await receive(1, on: subscriber)
                    #expect(received.map(\.payload) == ["while down".bytes])
                }
            }
        }
    }
}
