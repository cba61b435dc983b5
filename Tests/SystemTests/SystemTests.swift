import SystemdNotify
import BrokerSupport
import EdgeAgent
import Foundation
import Hub
import Logging
import MQTT
import Synchronization
import Telemetry
import Testing
import TestSupport
import Vitals

/// A BLE pulse oximeter as the agent sees it: a SOCK_SEQPACKET socket delivering PLX Continuous values.
final class FakeOximeter: Sendable {
    let path: String
    private let listener: Int32
    private let spo2 = Atomic<Int>(97)
    private let running = Atomic<Bool>(true)
    private let sent = Atomic<Int>(0)

    init(directory: URL) throws {
        path = directory.appendingPathComponent("plx.sock").path
        listener = try packetSocket(boundAt: path, listening: 1)
    }

    /// The SpO2 the device reports from now on.
    func set(spo2 value: Int) { spo2.store(value, ordering: .relaxed) }

    /// Values sent so far.
    var count: Int { sent.load(ordering: .relaxed) }

    /// Serves one client at `rate` values per second until stopped (on a thread of its own).
    func serve(rate: Double) {
        let listener = self.listener
        Thread.detachNewThread { [self] in
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            defer { close(client) }
            while running.load(ordering: .relaxed) {
                let value = UInt16(spo2.load(ordering: .relaxed))
                // PLX Continuous: flags 0, SpO2 and pulse rate as SFLOAT with exponent 0.
                let packet: [UInt8] = [0x00, UInt8(value & 0xFF), UInt8(value >> 8), 72, 0]
                guard packet.withUnsafeBytes({ send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == packet.count else { return }
                sent.add(1, ordering: .relaxed)
                Thread.sleep(forTimeInterval: 1 / rate)
            }
        }
    }

    func stop() {
        running.store(false, ordering: .relaxed)
        close(listener)
        unlink(path)
    }
}

/// A hub (database, alert book, ingest service) and an agent (outbox, one oximeter) wired to one broker.
final class Deployment: Sendable {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("silverwatch-system-\(UUID().uuidString)")
    let database: AppDatabase
    let oximeter: FakeOximeter
    let patient: Int64
    let rules: RuleSet
    let brokerPort: Int

    init(brokerPort: Int, rules: RuleSet) async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.brokerPort = brokerPort
        self.rules = rules
        database = try AppDatabase.open(path: directory.appendingPathComponent("hub.sqlite").path)
        patient = try await database.createPatient(displayName: "Ada", at: Date().addingTimeInterval(-60))
        try await database.registerDevice("oxi-1", gatewayID: "gw-1", at: Date().addingTimeInterval(-60))
        try await database.assign(device: "oxi-1", to: patient, since: Date().addingTimeInterval(-60))
        oximeter = try FakeOximeter(directory: directory)
    }

    func hub(alerts: AlertBook, technical: TechnicalAlarms = TechnicalAlarms()) -> IngestService {
        var logger = Logger(label: "test.hub")
        logger.logLevel = .warning
        let mqtt = MQTTConfiguration(host: "127.0.0.1", port: brokerPort, clientID: "silverwatch-hub", session: .persistent(),
                                     reconnect: .init(initialDelay: .milliseconds(200), maximumDelay: .seconds(1)))
        return IngestService(database: database, alerts: alerts, technical: technical, mqtt: mqtt,
                             settings: .init(tickInterval: .milliseconds(200), registryRefreshInterval: .milliseconds(200)), logger: logger)
    }

    func agent() throws -> AgentService {
        var logger = Logger(label: "test.agent")
        logger.logLevel = .warning
        let configuration = try AgentConfiguration.load(json: Array("""
            {"gateway": "gw-1", "broker": {"host": "127.0.0.1", "port": \(brokerPort)},
             "outbox": {"path": "\(directory.appendingPathComponent("outbox.sqlite").path)", "resendAfterSeconds": 5},
             "statusIntervalSeconds": 5,
             "devices": [{"id": "oxi-1", "model": "plx", "channels": [{"format": "plx-continuous", "socket": "\(oximeter.path)"}]}]}
            """.utf8))
        var mqtt = configuration.mqttConfiguration(password: nil)
        mqtt.reconnect = .init(initialDelay: .milliseconds(200), maximumDelay: .seconds(1))
        let outbox = try Outbox(path: configuration.outbox.path, resendAfter: .seconds(5))
        return AgentService(configuration: configuration, mqtt: mqtt, outbox: outbox, notifier: SystemdNotifier(socketPath: nil), logger: logger)
    }

    deinit {
        oximeter.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Polls `condition` every 100 ms for up to `limit`.
func eventually(within limit: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// The default rules with a 3-second sustain on the SpO2 high band, so a test need not wait a minute.
func quickRules() throws -> RuleSet {
    try RuleSet.adultHomeDefaults.applying([RuleOverride(id: "spo2-low", bands: [
        .init(priority: .medium, limit: 92, sustain: .seconds(120)), .init(priority: .high, limit: 90, sustain: .seconds(3)),
    ])])
}

@Suite(.serialized) struct SystemTests {
    /// Simulated device → agent → Mosquitto → hub → SQLite → alert, within the sustain window plus a few seconds.
    @Test func aDesaturationThroughAgentBrokerAndHubRaisesAHighPriorityAlertWithEvidence() async throws {
        try await withBroker { broker in
            let deployment = try await Deployment(brokerPort: broker.port, rules: try quickRules())
            let rules = deployment.rules
            let alerts = AlertBook { _ in rules }
            deployment.oximeter.serve(rate: 5)
            let hub = Task { try await deployment.hub(alerts: alerts).run() }
            let agent = Task { try await deployment.agent().run() }
            defer { hub.cancel(); agent.cancel() }
            #expect(try await eventually(within: .seconds(10)) { try await deployment.database.storedSequences(device: "oxi-1").count >= 5 })
            let desaturatedAt = ContinuousClock.now
            deployment.oximeter.set(spo2: 84)
            let raised = try await eventually(within: .seconds(10)) {
                try await deployment.database.openAlerts()[deployment.patient]?.contains { $0.priority == .high } == true
            }
            #expect(raised)
            #expect(ContinuousClock.now - desaturatedAt < .seconds(3 + 5), "within the sustain window plus a few seconds")
            let alert = try #require(try await deployment.database.openAlerts()[deployment.patient]?.first { $0.priority == .high })
            #expect(alert.cause == .rule(id: "spo2-low"))
            #expect(alert.evidence.summary == "SpO2 below 90 % for 3 s")
            try #require(!alert.evidence.readings.isEmpty, "the evidence names the readings")
            #expect(alert.evidence.readings.allSatisfy { $0.value == 84 && $0.source?.deviceID == "oxi-1" })
        }
    }

    /// The hub is down for a while and stopped again mid-stream; the broker restarts: every reading arrives exactly once.
    @Test func readingsSurviveHubDowntimeAndABrokerRestartExactlyOnce() async throws {
        try await withBroker(.init(persistence: true)) { broker in
            let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
            let alerts = AlertBook { _ in .adultHomeDefaults }
            deployment.oximeter.serve(rate: 20)
            let agent = Task { try await deployment.agent().run() }
            defer { agent.cancel() }
            var hub = Task { try await deployment.hub(alerts: alerts).run() }
            #expect(try await eventually(within: .seconds(10)) { try await deployment.database.storedSequences(device: "oxi-1").count >= 20 })
            // The hub goes away for 5 s while the agent keeps reading.
            hub.cancel()
            _ = await hub.result
            try await Task.sleep(for: .seconds(5))
            // The broker restarts too.
            await broker.stop()
            try await broker.start()
            hub = Task { try await deployment.hub(alerts: alerts).run() }
            defer { hub.cancel() }
            try await Task.sleep(for: .seconds(3))
            // Stop the device, then wait until the hub holds everything it sent.
            deployment.oximeter.set(spo2: 96)
            let sentBeforeStop = deployment.oximeter.count
            deployment.oximeter.stop()
            let complete = try await eventually(within: .seconds(30)) {
                let stored = try await deployment.database.storedSequences(device: "oxi-1")
                // Each PLX packet carries two readings (SpO2 and pulse rate), each with its own sequence number.
                return stored.count >= 2 * sentBeforeStop && stored == Array(1...Int64(stored.count))
            }
            let stored = try await deployment.database.storedSequences(device: "oxi-1")
            #expect(complete, "stored \(stored.count) readings of \(sentBeforeStop) packets sent")
            try #require(!stored.isEmpty)
            #expect(stored == Array(1...Int64(stored.count)), "no gap and no duplicate")
        }
    }

    /// The agent starts while the broker is down: it reads into its outbox, and delivers everything once the broker
    /// comes.
    @Test func anAgentStartedBeforeItsBrokerDeliversEverythingWhenTheBrokerComes() async throws {
        let broker = try Broker(.init())
        defer { broker.removeFiles() }
        let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
        deployment.oximeter.serve(rate: 20)
        let agent = Task { try await deployment.agent().run() }
        defer { agent.cancel() }
        try await Task.sleep(for: .seconds(2))
        #expect(deployment.oximeter.count > 10, "the agent reads while the broker is down")
        try await broker.start()
        let alerts = AlertBook { _ in .adultHomeDefaults }
        let hub = Task { try await deployment.hub(alerts: alerts).run() }
        defer { hub.cancel() }
        let sentWhileDown = deployment.oximeter.count
        let delivered = try await eventually(within: .seconds(30)) {
            try await deployment.database.storedSequences(device: "oxi-1").count >= 2 * sentWhileDown
        }
        #expect(delivered)
        let stored = try await deployment.database.storedSequences(device: "oxi-1")
        try #require(!stored.isEmpty)
        #expect(stored == Array(1...Int64(stored.count)), "no gap and no duplicate")
        await broker.kill()
    }
}
