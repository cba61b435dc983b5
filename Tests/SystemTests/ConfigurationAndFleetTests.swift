import BrokerSupport
import Fleet
import Foundation
import Hub
import Logging
import MQTT
import Testing
import Vitals

/// The hub's configuration for a gateway reaches its agent through the broker, and a fleet of simulated homes is
/// acknowledged reading by reading.
@Suite struct ConfigurationAndFleetTests {
    /// Set by the hub's registry, published retained, applied by the agent and reported back in its status; a
    /// change made while the agent is away is applied when it comes back.
    @Test func theHubsGatewayConfigurationReachesTheAgent() async throws {
        try await withBroker { broker in try await Self.configuration(broker: broker) }
    }

    static func configuration(broker: Broker) async throws {
        let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
        deployment.oximeter.serve(rate: 5)
        let hub = Task { try await deployment.hub(alerts: AlertBook { _ in .adultHomeDefaults }).run() }
        defer { hub.cancel() }
        var agent = Task { try await deployment.agent().run() }
        let database = deployment.database
        #expect(try await eventually(within: .seconds(20)) { try await database.devices().first?.gatewayOnline == true })
        #expect(try await database.appliedConfigurationVersions().isEmpty, "no configuration before the hub sets one")

        let first = try await database.configureGateway("gw-1", statusInterval: .seconds(7), resendAfter: .seconds(9))
        #expect(first.version == 1)
        let applied = try await eventually(within: .seconds(20)) { try await database.appliedConfigurationVersions()["gw-1"] == 1 }
        #expect(applied, "the agent applied version 1 and said so in its status")

        agent.cancel()
        _ = try? await agent.value
        let second = try await database.configureGateway("gw-1", statusInterval: .seconds(11))
        agent = Task { try await deployment.agent().run() }
        defer { agent.cancel() }
        let caughtUp = try await eventually(within: .seconds(20)) { try await database.appliedConfigurationVersions()["gw-1"] == second.version }
        #expect(caughtUp, "version 2, set while the agent was away, applied when it came back")
    }

    /// Every reading a fleet publishes is committed and acknowledged once, and each gets a latency.
    @Test func aFleetIsAcknowledgedReadingByReading() async throws {
        try await withBroker { broker in try await Self.fleet(broker: broker) }
    }

    static func fleet(broker: Broker) async throws {
        let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
        let hub = Task { try await deployment.hub(alerts: AlertBook { _ in .adultHomeDefaults }).run() }
        defer { hub.cancel() }
        var logger = Logger(label: "test.fleet")
        logger.logLevel = .warning
        let plan = try FleetPlan(parsing: "desaturation@200:1,stable:2")
        let fleet = Fleet(settings: .init(mqtt: MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "fleet", session: .persistent()),
                                          plan: plan, rate: 10, duration: .milliseconds(1500), drain: .seconds(15)), logger: logger)
        let report = await fleet.run()
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.gateways == 3)
        #expect(report.readings == report.messages * 2)
        #expect(report.readings >= 3 * 2 * 10, "three gateways, 10 messages a second of two readings, for 1.5 s")
        #expect(report.acknowledged == report.readings, "every reading acknowledged")
        #expect(report.latency?.count == report.readings)
        let stored = try await deployment.database.storedSequences(device: fleet.gatewayID(0) + "-oximeter")
        #expect(stored.count == report.readings / 3, "stored once each: \(stored.count) of \(report.readings / 3)")
        #expect(Set(stored).count == stored.count)
    }
}
