import BrokerSupport
import DeviceProtocols
import EdgeAgent
import Foundation
import Hub
import Logging
import MQTT
import Simulation
import SystemdNotify
import Telemetry
import Testing
import Vitals

/// Garbage on a serial line and malformed MQTT payloads are counted and reported; nothing crashes; valid readings
/// keep flowing.
@Suite struct BadInputTests {
    @Test func garbageOnTheSerialLineAndMalformedPayloadsAreCountedWhileReadingsFlow() async throws {
        try await withBroker { broker in
            let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
            let terminal = try PseudoTerminal()
            var logger = Logger(label: "test.agent")
            logger.logLevel = .critical
            let configuration = try AgentConfiguration.load(json: Array("""
                {"gateway": "gw-1", "broker": {"host": "127.0.0.1", "port": \(broker.port)},
                 "outbox": {"path": "\(deployment.directory.appendingPathComponent("outbox.sqlite").path)"}, "statusIntervalSeconds": 5,
                 "devices": [{"id": "cms-1", "model": "cms50", "channels": [{"format": "cms50", "serial": "\(terminal.slavePath)"}]}]}
                """.utf8))
            let outbox = try Outbox(path: configuration.outbox.path)
            let agentService = AgentService(configuration: configuration, mqtt: configuration.mqttConfiguration(password: nil), outbox: outbox,
                                            notifier: SystemdNotifier(socketPath: nil), logger: logger)
            let agent = Task { try await agentService.run() }
            defer { agent.cancel() }
            let hub = Task { try await deployment.hub(alerts: AlertBook { _ in .adultHomeDefaults }).run() }
            defer { hub.cancel() }
            try await Task.sleep(for: .milliseconds(500))

            // Six seconds of a CMS50 at 60 frames a second, with 7 garbage bytes after every 30th frame.
            let frame = try CMS50LiveSample(signalStrength: 8, plethysmogram: 50, barGraph: 5, rawPulseRate: 70, rawOxygenSaturation: 96).encoded()
            for index in 0..<360 {
                terminal.write(frame)
                if index % 30 == 29 { terminal.write([0x01, 0x02, 0x7F, 0x13, 0x11, 0x00, 0x55]) }
                try await Task.sleep(for: .milliseconds(16))
            }
            // Malformed payloads on the gateway's own readings topic, as a buggy or compromised agent might send.
            try await MQTTClient.withConnection(MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: "rogue"), logger: logger) { client in
                let topic = TopicTree().topic(.readings(gateway: "gw-1", device: "cms-1"))
                try await client.publish(topic: topic, payload: Array("{not json".utf8))
                try await client.publish(topic: topic, payload: Array(#"{"schema":1,"gateway":"gw-1","device":"cms-1","readings":[{"seq":999999,"kind":"spo2","value":97,"unit":"mm[Hg]","measuredAt":1763701200000,"receivedAt":1763701200000}]}"#.utf8))
            }
            for _ in 0..<120 {
                terminal.write(frame)
                try await Task.sleep(for: .milliseconds(16))
            }
            let reported = try await eventually(within: .seconds(20)) {
                let device = try await deployment.database.devices().first { $0.externalID == "cms-1" }
                let letters = try await deployment.database.deadLetterCounts()
                return (device?.discardedBytes ?? 0) >= 7 * 12 && letters["gw-1"] == 2
            }
            #expect(reported, "the agent reports the discarded serial bytes; the hub counts two dead letters for gw-1")
            let stored = try await deployment.database.storedSequences(device: "cms-1")
            #expect(stored.count >= 6, "about one reading a second kept flowing through the garbage")
            try #require(!stored.isEmpty)
            #expect(stored == Array(1...Int64(stored.count)))
            #expect(!stored.contains(999_999), "the malformed batch stored nothing")
            terminal.close()
        }
    }
}
