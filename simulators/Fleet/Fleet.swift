#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import MQTT
import Simulation
import Synchronization
import Telemetry
import Vitals

/// Many homes at once, straight to MQTT: each gateway publishes its patient's pulse oximeter (SpO2 and pulse rate,
/// two readings a message) as the edge agent would, with per-device sequence numbers and QoS 1, and measures how
/// long the hub takes to acknowledge each reading (the hub acknowledges only after its commit, alerts included).
///
/// For load tests and benchmarks: no devices, no outbox. Each reading's measurement time is the moment it is
/// published, so the hub's sustain timers and the latencies run on the same clock.
public struct Fleet: Sendable {
    /// How the fleet runs.
    public struct Settings: Sendable {
        /// The broker.
        public var mqtt: MQTTConfiguration
        /// Who the gateways are.
        public var plan: FleetPlan
        /// Messages per second per gateway (each with two readings).
        public var rate: Double
        /// How long to publish.
        public var duration: Duration
        /// After publishing, how long to wait for the last acknowledgements.
        public var drain: Duration
        /// Gateway ids are this prefix and a number: `fleet-0001`.
        public var prefix: String
        /// Where to write one line per acknowledged reading (device, seq, measuredAt ms, latency ms; tab-separated).
        public var latencyLog: String?

        /// Settings with a 10 s drain and the `fleet-` prefix.
        public init(mqtt: MQTTConfiguration, plan: FleetPlan, rate: Double, duration: Duration, drain: Duration = .seconds(10),
                    prefix: String = "fleet-", latencyLog: String? = nil) {
            self.mqtt = mqtt
            self.plan = plan
            self.rate = rate
            self.duration = duration
            self.drain = drain
            self.prefix = prefix
            self.latencyLog = latencyLog
        }
    }

    /// What a run did.
    public struct Report: Sendable {
        /// Gateways that connected.
        public var gateways: Int
        /// Messages published and taken by the broker (PUBACK).
        public var messages: Int
        /// Readings in them.
        public var readings: Int
        /// Readings the hub acknowledged.
        public var acknowledged: Int
        /// Publish-to-acknowledgement latency of the acknowledged readings.
        public var latency: LatencySummary?
        /// Gateways that failed, with the reason.
        public var failures: [String]
    }

    let settings: Settings
    let logger: Logger

    /// A fleet with `settings`.
    public init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// The id of gateway `index` (from 0); its one device is the id with `-oximeter`.
    public func gatewayID(_ index: Int) -> String {
        let number = String(index + 1)
        return settings.prefix + String(repeating: "0", count: max(0, 4 - number.count)) + number
    }

    /// Publishes for the configured duration, waits for the acknowledgements, and reports.
    public func run() async -> Report {
        let count = settings.plan.gatewayCount
        let clock = ContinuousClock()
        // Gateways start spread over one message interval so the load is even, not a burst per tick.
        let start = clock.now + .milliseconds(500)
        let interval = Duration.seconds(1 / settings.rate)
        let results = await withTaskGroup(of: GatewayResult.self) { group in
            for index in 0..<count {
                let phase = interval * (Double(index) / Double(max(count, 1)))
                group.addTask { await runGateway(index, start: start + phase, interval: interval) }
            }
            var results: [GatewayResult] = []
            for await result in group { results.append(result) }
            return results
        }
        let latencies = results.flatMap(\.latencies)
        if let path = settings.latencyLog { writeLog(results, to: path) }
        return Report(gateways: results.filter { $0.failure == nil }.count, messages: results.reduce(0) { $0 + $1.messages },
                      readings: results.reduce(0) { $0 + $1.readings }, acknowledged: latencies.count,
                      latency: LatencySummary(milliseconds: latencies.map(\.milliseconds)),
                      failures: results.compactMap(\.failure))
    }

    struct GatewayResult: Sendable {
        var messages = 0
        var readings = 0
        var latencies: [(device: String, seq: UInt64, measuredAt: Int64, milliseconds: Double)] = []
        var failure: String?
    }

    private func runGateway(_ index: Int, start: ContinuousClock.Instant, interval: Duration) async -> GatewayResult {
        let gateway = gatewayID(index)
        let device = gateway + "-oximeter"
        let topics = TopicTree()
        var result = GatewayResult()
        guard let (kind, offset) = settings.plan.assignment(ofGateway: index) else { return result }
        let scenario = Scenario(kind, seed: UInt64(index + 1), speed: 1)
        var mqtt = settings.mqtt
        mqtt.clientID = gateway
        mqtt.will = .init(topic: topics.topic(.gatewayStatus(gateway: gateway)), payload: PayloadCodec.encode(GatewayStatus.lastWill(gateway: gateway)))
        let ledger = Ledger()
        let clock = ContinuousClock()
        do {
            try await MQTTClient.withConnection(mqtt, logger: logger) { client in
                let ackTopic = topics.topic(.acknowledgements(gateway: gateway))
                try await client.subscribe([(ackTopic, .atLeastOnce)])
                try await client.publish(topic: topics.topic(.gatewayStatus(gateway: gateway)),
                                         payload: PayloadCodec.encode(GatewayStatus(gateway: gateway, state: .online, version: "fleet",
                                                                                    reportedAt: Date().millisecondsSince1970)),
                                         retain: true)
                let reader = Task {
                    for try await message in client.messages where message.topic == ackTopic {
                        guard let ack = try? PayloadCodec.decode(Acknowledgement.self, from: message.payload) else { continue }
                        let now = clock.now
                        let done = ledger.pending.withLock { pending in ack.committed.compactMap { seq in pending.removeValue(forKey: seq).map { (seq, $0) } } }
                        ledger.acknowledged.withLock { list in
                            for (seq, sent) in done {
                                list.append((device, seq, sent.measuredAt, (now - sent.sent).inSeconds * 1000))
                            }
                        }
                    }
                }
                defer { reader.cancel() }
                // Sequence numbers from the start time in milliseconds: unique across runs at up to 500 messages a
                // second, so a second run against the same hub is not taken for redelivery.
                var seq = UInt64(Date().millisecondsSince1970) * 2
                let end = start + settings.duration
                var next = start
                while next < end, !Task.isCancelled {
                    try await clock.sleep(until: next)
                    let measuredAt = Date().millisecondsSince1970
                    let vitals = scenario.vitals(at: .seconds(offset) + (clock.now - start))
                    let readings = [
                        ReadingBatch.Entry(seq: Int64(seq + 1), kind: VitalKind.oxygenSaturation.rawValue, value: min(100, vitals.oxygenSaturation.rounded()),
                                           unit: VitalKind.oxygenSaturation.unit.ucum, measuredAt: measuredAt, receivedAt: measuredAt),
                        ReadingBatch.Entry(seq: Int64(seq + 2), kind: VitalKind.pulseRate.rawValue, value: vitals.heartRate.rounded(),
                                           unit: VitalKind.pulseRate.unit.ucum, measuredAt: measuredAt, receivedAt: measuredAt),
                    ]
                    // Timed from when the message was due, not when it went out: a broker that slows the fleet
                    // down must show in the latencies, not hide in a late start (coordinated omission).
                    let sent = next
                    ledger.pending.withLock { pending in
                        for entry in readings { pending[UInt64(entry.seq)] = (sent, measuredAt) }
                    }
                    seq += 2
                    try await client.publish(topic: topics.topic(.readings(gateway: gateway, device: device)),
                                             payload: PayloadCodec.encode(ReadingBatch(gateway: gateway, device: device, readings: readings)))
                    result.messages += 1
                    result.readings += readings.count
                    next = next + interval
                }
                let deadline = clock.now + settings.drain
                while clock.now < deadline, !ledger.pending.withLock({ $0.isEmpty }) {
                    try await clock.sleep(for: .milliseconds(50))
                }
            }
        } catch {
            result.failure = "\(gateway): \(error)"
        }
        result.latencies = ledger.acknowledged.withLock { $0 }
        return result
    }

    /// One gateway's readings awaiting acknowledgement, and the latencies of those acknowledged.
    final class Ledger: Sendable {
        let pending = Mutex<[UInt64: (sent: ContinuousClock.Instant, measuredAt: Int64)]>([:])
        let acknowledged = Mutex<[(device: String, seq: UInt64, measuredAt: Int64, milliseconds: Double)]>([])
    }

    private func writeLog(_ results: [GatewayResult], to path: String) {
        guard let file = fopen(path, "w") else {
            logger.error("cannot write the latency log", metadata: ["path": "\(path)"])
            return
        }
        defer { fclose(file) }
        for result in results {
            for item in result.latencies {
                fputs("\(item.device)\t\(item.seq)\t\(item.measuredAt)\t\(item.milliseconds)\n", file)
            }
        }
    }
}
