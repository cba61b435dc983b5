import BrokerSupport
import Fleet
import Foundation
import Hub
import Logging
import MQTT
import Telemetry
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

    /// A hub whose database is replaced (versions count from 1 again) is not mistaken for the old one: the agent drops
    /// the old settings when the new hub clears the retained configuration, and applies the new hub's version 1
    /// although it had applied an old version 1.
    @Test func aNewHubDatabaseIsNotTakenForTheOldOne() async throws {
        try await withBroker { broker in try await Self.newDatabase(broker: broker) }
    }

    static func newDatabase(broker: Broker) async throws {
        let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
        deployment.oximeter.serve(rate: 5)
        let agent = Task { try await deployment.agent().run() }
        defer { agent.cancel() }
        var hub = Task { try await deployment.hub(alerts: AlertBook { _ in .adultHomeDefaults }).run() }
        let old = deployment.database
        #expect(try await eventually(within: .seconds(20)) { try await old.devices().first?.gatewayOnline == true })
        _ = try await old.configureGateway("gw-1", statusInterval: .seconds(7))
        #expect(try await eventually(within: .seconds(20)) { try await old.appliedConfigurationVersions()["gw-1"] == 1 })
        hub.cancel()
        _ = try? await hub.value

        // The replacement: a new database, the same broker and client id (its persistent session carries on).
        let fresh = try AppDatabase.open(path: deployment.directory.appendingPathComponent("hub-2.sqlite").path)
        var logger = Logger(label: "test.hub-2")
        logger.logLevel = .warning
        let mqtt = MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "silverwatch-hub", session: .persistent(),
                                     reconnect: .init(initialDelay: .milliseconds(200), maximumDelay: .seconds(1)))
        hub = Task {
            try await IngestService(database: fresh, alerts: AlertBook { _ in .adultHomeDefaults }, mqtt: mqtt,
                                    settings: .init(tickInterval: .milliseconds(200), registryRefreshInterval: .milliseconds(200)), logger: logger).run()
        }
        defer { hub.cancel() }
        #expect(try await eventually(within: .seconds(20)) { try await fresh.devices().first?.gatewayOnline == true })
        // The new hub has nothing for gw-1: it clears the retained settings and the agent reports none applied. Only
        // an online status sets what the agent applied, and the first one the new hub hears is the agent's retained
        // one with the old settings; so none applied, after a status was heard, means the agent dropped them.
        let dropped = try await eventually(within: .seconds(20)) {
            let state = try await fresh.appliedConfiguration(of: "gw-1")
            return state.statusHeard && state.epoch == nil && state.version == nil
        }
        let state = try await fresh.appliedConfiguration(of: "gw-1")
        #expect(dropped, "\(state)")
        _ = try await fresh.configureGateway("gw-1", statusInterval: .seconds(11))
        let applied = try await eventually(within: .seconds(20)) { try await fresh.appliedConfigurationVersions()["gw-1"] == 1 }
        #expect(applied, "the new database's version 1 applied, not taken for the old version 1")
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

/// A backlog far larger than the hub's buffers drains completely: the hub keeps reading from MQTT while it
/// commits, so libmosquitto's thread, which also carries the PUBACKs of the hub's acknowledgements, never stops.
/// (A bounded buffer between reader and committer once deadlocked here.)
@Suite struct BacklogTests {
    @Test func aLargeBacklogDrainsCompletely() async throws {
        try await withBroker(.init(maxQueuedMessages: 100_000)) { broker in try await Self.backlog(broker: broker) }
    }

    static func backlog(broker: Broker) async throws {
        let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
        // The hub's persistent session exists, then the hub goes away while a gateway publishes 45,000 messages: more
        // than the 10,000 the MQTT client buffers and the 20,000 the bounded buffer that deadlocked held.
        var hub = Task { try await deployment.hub(alerts: AlertBook { _ in .adultHomeDefaults }).run() }
        // Long enough to connect and subscribe (nothing tells when it has).
        try await Task.sleep(for: .seconds(2))
        hub.cancel()
        _ = try? await hub.value
        let count = 45_000
        var logger = Logger(label: "test.load")
        logger.logLevel = .warning
        let topic = TopicTree().topic(.readings(gateway: "gw-load", device: "dev-load"))
        let start = Int64(1_800_000_000_000)
        try await MQTTClient.withConnection(MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "gw-load"), logger: logger) { client in
            for index in 0..<count {
                let entry = ReadingBatch.Entry(seq: Int64(index + 1), kind: "spo2", value: 97, unit: "%", measuredAt: start + Int64(index) * 1000,
                                               receivedAt: start + Int64(index) * 1000)
                try await client.publish(topic: topic, payload: PayloadCodec.encode(ReadingBatch(gateway: "gw-load", device: "dev-load", readings: [entry])))
            }
        }
        hub = Task { try await deployment.hub(alerts: AlertBook { _ in .adultHomeDefaults }).run() }
        defer { hub.cancel() }
        let database = deployment.database
        let drained = try await eventually(within: .seconds(120)) { try await database.storedSequences(device: "dev-load").count == count }
        let stored = try await database.storedSequences(device: "dev-load").count
        #expect(drained, "stored \(stored) of \(count)")
    }
}
