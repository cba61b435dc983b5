#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeviceReadings
import Logging
import MQTT
import Synchronization
import SystemdNotify
import Telemetry
import Vitals

/// The edge agent: reads every configured device, writes each reading to the durable outbox before anything else,
/// publishes the outbox to the broker, deletes what the hub acknowledges, and keeps the gateway's and devices'
/// retained statuses current (its last will marks the gateway offline when it vanishes).
///
/// Runs until its task is cancelled (the command cancels it on SIGTERM or SIGINT). No service-lifecycle framework:
/// the agent runs on small hardware, and every library it links costs resident memory.
public struct AgentService: Sendable {
    let configuration: AgentConfiguration
    let mqtt: MQTTConfiguration
    let outbox: Outbox
    let topics: TopicTree
    let notifier: SystemdNotifier
    let logger: Logger
    let version: String
    let applied: AppliedConfiguration

    /// An agent for `configuration`, publishing with `mqtt` (see ``mqttConfiguration(password:)``).
    public init(configuration: AgentConfiguration, mqtt: MQTTConfiguration, outbox: Outbox, topics: TopicTree = TopicTree(),
                notifier: SystemdNotifier = .fromEnvironment(), version: String = "0.1.0", logger: Logger) {
        self.configuration = configuration
        self.mqtt = mqtt
        self.outbox = outbox
        self.topics = topics
        self.notifier = notifier
        self.version = version
        self.logger = logger
        applied = AppliedConfiguration(statusInterval: .seconds(configuration.statusIntervalSeconds ?? 60),
                                       resendAfter: .seconds(configuration.outbox.resendAfterSeconds ?? 30))
    }

    /// Reads, stores and publishes until cancelled. Throws when the outbox stops answering the watchdog's check,
    /// so that the process ends and systemd restarts it.
    public func run() async throws {
        let board = DeviceStatusBoard(devices: configuration.devices)
        let wake = Wakeup()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Devices are read whether or not the broker is reachable: the outbox keeps what they measure.
                for device in configuration.devices {
                    for channel in device.channels {
                        group.addTask { await read(device: device, channel: channel, board: board, wake: wake) }
                    }
                }
                group.addTask { try await publishLoop(board: board, wake: wake) }
                if let interval = notifier.watchdogInterval {
                    group.addTask { try await watchdogLoop(interval: interval) }
                }
                // Every task runs until cancelled: the first to end (by an error) ends the agent, and systemd
                // restarts it.
                try await group.next()
                group.cancelAll()
            }
        } catch is CancellationError {}
        try? notifier.stopping()
    }

    // MARK: Devices → outbox

    private func read(device: AgentConfiguration.Device, channel: AgentConfiguration.Channel, board: DeviceStatusBoard, wake: Wakeup) async {
        guard let connection = channel.connection else { return }
        var decoder = ChannelDecoder(format: channel.format, clock: configuration.measurementClock,
                                     fullScale: channel.accelerometerFullScale, sampleRate: channel.sampleRate ?? 50)
        var deviceLogger = logger
        deviceLogger[metadataKey: "device"] = "\(device.id)"
        deviceLogger[metadataKey: "format"] = "\(channel.format.rawValue)"
        await DeviceSource(connection: connection).run { event in
            switch event {
            case .connected:
                deviceLogger.info("device connected")
                board.update(device.id) { $0.connectedChannels += 1 }
            case .disconnected(let error):
                board.update(device.id) { $0.connectedChannels = max(0, $0.connectedChannels - 1) }
                deviceLogger.warning("device disconnected", metadata: ["error": "\(error.map(String.init(describing:)) ?? "end of stream")"])
            case .data(let bytes):
                let now = Date()
                let output = decoder.decode(bytes, receivedAt: now)
                var entries: [ReadingBatch.Entry] = []
                for (index, observation) in output.observations.enumerated() {
                    for reading in observation.readings {
                        entries.append(ReadingBatch.entry(reading, seq: 0, receivedAt: now, details: output.details[index]))
                    }
                }
                let discarded = decoder.discardedBytes
                board.update(device.id) { entry in
                    if let battery = output.batteryPercent { entry.batteryPercent = battery }
                    if !entries.isEmpty { entry.lastReadingAt = now.millisecondsSince1970 }
                    entry.rejectedMessages += output.rejectedMessages
                    entry.discardedBytes = discarded
                }
                if output.rejectedMessages > 0 {
                    deviceLogger.warning("undecodable message", metadata: ["bytes": "\(bytes.count)"])
                }
                guard !entries.isEmpty else { return }
                do {
                    try await outbox.append(device: device.id, entries: entries)
                    wake.signal()
                } catch {
                    deviceLogger.critical("outbox write failed: readings lost", metadata: ["error": "\(error)", "readings": "\(entries.count)"])
                }
            }
        }
    }

    // MARK: Outbox → broker, acknowledgements → outbox

    /// Connects and publishes for as long as the agent runs; a broker that is away is retried with backoff while
    /// the devices keep being read into the outbox.
    private func publishLoop(board: DeviceStatusBoard, wake: Wakeup) async throws {
        do {
            try await MQTTClient.withRetryingConnection(mqtt, logger: logger) { client in
                try await publish(client, board: board, wake: wake)
            }
        } catch is CancellationError {}
    }

    private func publish(_ client: MQTTClient, board: DeviceStatusBoard, wake: Wakeup) async throws {
        _ = try await client.subscribe(topics.gatewaySubscriptions(gateway: configuration.gateway).map { ($0, QoS.atLeastOnce) })
        try await publishStatuses(client, board: board, all: true)
        try? notifier.ready(status: "\(configuration.devices.count) devices, broker connected")
        logger.info("agent connected", metadata: ["gateway": "\(configuration.gateway)"])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await receive(client, board: board) }
            group.addTask { try await send(client, wake: wake) }
            group.addTask { try await statusLoop(client, board: board) }
            group.addTask { try await resendAfterReconnect(client) }
            try await group.next()
            group.cancelAll()
        }
    }

    private func send(_ client: MQTTClient, wake: Wakeup) async throws {
        while !Task.isCancelled {
            let batches = try await outbox.nextToSend(limit: ReadingBatch.maximumReadings, now: Date().millisecondsSince1970)
            for batch in batches {
                let payload = PayloadCodec.encode(ReadingBatch(gateway: configuration.gateway, device: batch.device, readings: batch.entries))
                try await client.publish(topic: topics.topic(.readings(gateway: configuration.gateway, device: batch.device)), payload: payload, qos: .atLeastOnce)
            }
            if batches.isEmpty { await wake.wait(upTo: .seconds(1)) }
        }
    }

    /// The hub's messages to this gateway: acknowledgements (delete what the hub committed) and its retained
    /// configuration (apply it, then report the applied version in a full status).
    private func receive(_ client: MQTTClient, board: DeviceStatusBoard) async throws {
        let ackTopic = topics.topic(.acknowledgements(gateway: configuration.gateway))
        let configTopic = topics.topic(.configuration(gateway: configuration.gateway))
        for try await message in client.messages {
            if message.topic == ackTopic {
                do {
                    let ack = try PayloadCodec.decode(Acknowledgement.self, from: message.payload).validated()
                    try await outbox.acknowledge(device: ack.device, committed: ack.committed)
                } catch {
                    logger.warning("unreadable acknowledgement", metadata: ["error": "\(error)"])
                }
            } else if message.topic == configTopic {
                let values: AppliedConfiguration.Values?
                if message.payload.isEmpty {
                    values = applied.clear()
                } else {
                    do {
                        values = applied.apply(try PayloadCodec.decode(GatewayConfiguration.self, from: message.payload).validated(gateway: configuration.gateway))
                    } catch {
                        logger.warning("unusable configuration from the hub; keeping the current one", metadata: ["error": "\(error)"])
                        continue
                    }
                }
                guard let values else { continue }
                await outbox.setResendAfter(values.resendAfter)
                logger.info("configuration from the hub applied", metadata: [
                    "version": "\(values.version.map(String.init) ?? "none: the file's settings")", "statusInterval": "\(values.statusInterval)",
                    "resendAfter": "\(values.resendAfter)"])
                try await publishStatuses(client, board: board, all: true)
            }
        }
    }

    /// Makes the whole outbox due again on connecting (the event stream starts with the current connection) and
    /// after every reconnect.
    private func resendAfterReconnect(_ client: MQTTClient) async throws {
        for await event in client.connectionEvents() {
            if case .connected = event {
                // What was in flight when the link dropped may never have reached the hub.
                try await outbox.resendAll()
            }
        }
    }

    private func statusLoop(_ client: MQTTClient, board: DeviceStatusBoard) async throws {
        var lastFull = ContinuousClock.now
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            // Read each time: the hub's configuration can change it.
            let full = ContinuousClock.now - lastFull >= applied.current.statusInterval
            if full { lastFull = ContinuousClock.now }
            try await publishStatuses(client, board: board, all: full)
        }
    }

    /// Feeds systemd's watchdog at half its interval, and only while the outbox answers: the agent's health is that
    /// it can keep what devices measure. A broker outage is not ill health (the agent must go on reading into its
    /// outbox), so it does not stop the watchdog; a wedged database does, and systemd restarts the agent.
    private func watchdogLoop(interval: Duration) async throws {
        while !Task.isCancelled {
            _ = try await outbox.dropped  // a real query: the outbox database still answers
            try? notifier.watchdog()
            try await Task.sleep(for: interval / 2)
        }
    }

    private func publishStatuses(_ client: MQTTClient, board: DeviceStatusBoard, all: Bool) async throws {
        let now = Date().millisecondsSince1970
        for status in board.statuses(all: all, now: now) {
            try await client.publish(topic: topics.topic(.deviceStatus(gateway: configuration.gateway, device: status.device)),
                                     payload: PayloadCodec.encode(status), qos: .atLeastOnce, retain: true)
        }
        guard all else { return }
        let gateway = GatewayStatus(gateway: configuration.gateway, state: .online, version: version,
                                    outboxDepth: await outbox.depth, outboxDropped: try await outbox.dropped, reportedAt: now,
                                    configVersion: applied.current.version, configEpoch: applied.current.epoch)
        try await client.publish(topic: topics.topic(.gatewayStatus(gateway: configuration.gateway)), payload: PayloadCodec.encode(gateway),
                                 qos: .atLeastOnce, retain: true)
    }
}

extension AgentConfiguration {
    /// The MQTT settings this configuration implies: the gateway id as client id with a persistent session (so
    /// acknowledgements sent while the agent is away wait for it), and the retained "offline" status as last will.
    public func mqttConfiguration(password: String?) -> MQTTConfiguration {
        let topics = TopicTree()
        return MQTTConfiguration(
            host: broker.host, port: broker.port, clientID: gateway, session: .persistent(),
            keepAlive: .seconds(Int64(broker.keepAliveSeconds ?? 30)),
            credentials: password.map { .init(username: broker.username ?? gateway, password: $0) },
            tls: broker.tls.map { .init(caFile: $0.caFile, certificateFile: $0.certificateFile, keyFile: $0.keyFile) },
            will: .init(topic: topics.topic(.gatewayStatus(gateway: gateway)), payload: PayloadCodec.encode(GatewayStatus.lastWill(gateway: gateway)),
                        qos: .atLeastOnce, retain: true))
    }
}
