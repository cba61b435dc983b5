import BrokerSupport
import Testing
@testable import MQTT
#if canImport(Glibc)
import Glibc
#endif

@Suite("Connecting, refusals and shutdown")
struct ConnectionTests {
    @Test(arguments: [MQTTConfiguration.ProtocolVersion.v5, .v3_1_1])
    func wrongPasswordIsATypedRefusal(version: MQTTConfiguration.ProtocolVersion) async throws {
        try await withBroker(.init(users: ["gw-1": "correct horse"])) { broker in
            var configuration = MQTTConfiguration.local(broker, clientID: "gw-1", protocolVersion: version)
            configuration.credentials = .init(username: "gw-1", password: "battery staple")
            await #expect(throws: MQTTError.connectionRefused(.notAuthorized)) {
                try await MQTTClient.withConnection(configuration, logger: testLogger) { _ in
                    Issue.record("connected with a wrong password")
                }
            }

            configuration.credentials = .init(username: "gw-1", password: "correct horse")
            let connected = try await MQTTClient.withConnection(configuration, logger: testLogger) { _ in true }
            #expect(connected)
        }
    }

    @Test func connectingWhereNoBrokerListensThrowsConnectionRefused() async throws {
        let port = try freeLoopbackPort()
        let configuration = MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "nobody-home")
        await #expect(throws: MQTTError.library(.system(errno: ECONNREFUSED))) {
            try await MQTTClient.withConnection(configuration, logger: testLogger) { _ in }
        }
    }

    @Test func brokerThatNeverSendsConnackTimesOut() async throws {
        try await withSilentListener { port in
            let configuration = MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "patient", connectTimeout: .milliseconds(300))
            await #expect(throws: MQTTError.connectTimedOut) {
                try await within {
                    try await MQTTClient.withConnection(configuration, logger: testLogger) { _ in }
                }
            }
        }
    }

    @Test func invalidConfigurationNamesTheField() async throws {
        let configuration = MQTTConfiguration(host: "127.0.0.1", clientID: "", session: .persistent())
        await #expect(throws: MQTTError.invalidConfiguration("a persistent session needs a fixed, non-empty clientID")) {
            try await MQTTClient.withConnection(configuration, logger: testLogger) { _ in }
        }
    }

    @Test func publishStillWaitingWhenTheClientShutsDownFailsWithClosed() async throws {
        try await withBroker { broker in
            let pending = try await MQTTClient.withConnection(.local(broker, clientID: "gw-2"), logger: testLogger) { client in
                await broker.stop()
                let publish = Task {
                    try await client.publish(topic: "gateways/gw-2/readings", payload: [1], qos: .atLeastOnce)
                }
                try await Task.sleep(for: .milliseconds(200))
                return publish
            }
            await #expect(throws: MQTTError.closed) {
                try await within { try await pending.value }
            }
        }
    }

    @Test func cancellingAPublishThatWaitsForTheBrokerEndsTheWait() async throws {
        try await withBroker { broker in
            try await MQTTClient.withConnection(.local(broker, clientID: "gw-3"), logger: testLogger) { client in
                await broker.stop()
                let publish = Task {
                    try await client.publish(topic: "gateways/gw-3/readings", payload: [1], qos: .atLeastOnce)
                }
                try await Task.sleep(for: .milliseconds(100))
                publish.cancel()
                await #expect(throws: CancellationError.self) {
                    try await within { try await publish.value }
                }
            }
        }
    }

    @Test func publishTheBrokerRefusesIsATypedError() async throws {
        // Mosquitto 2.0's acl_file governs reading and writing, not subscribing: a denied publish is what it refuses
        // with a reason code (MQTT 5 PUBACK 0x87; under MQTT 3.1.1 it acknowledges and drops the message).
        let acl = """
            user gw-4
            topic readwrite gateways/gw-4/#
            """
        try await withBroker(.init(users: ["gw-4": "secret"], acl: acl)) { broker in
            var configuration = MQTTConfiguration.local(broker, clientID: "gw-4")
            configuration.credentials = .init(username: "gw-4", password: "secret")
            try await MQTTClient.withConnection(configuration, logger: testLogger) { client in
                try await client.publish(topic: "gateways/gw-4/readings", payload: [1], qos: .atLeastOnce)
                await #expect(throws: MQTTError.publishRejected(topic: "gateways/gw-5/readings", .notAuthorized)) {
                    try await client.publish(topic: "gateways/gw-5/readings", payload: [1], qos: .atLeastOnce)
                }
            }
        }
    }
}
