import Foundation
import Logging
import MQTT
import ServiceLifecycle
import Synchronization
import Telemetry
import Vitals

/// The hub's ingest: subscribes to every gateway's readings and statuses with a persistent MQTT session, commits
/// readings in batches (one transaction per batch, alerts evaluated inside it), records what it cannot accept in the
/// dead-letter table, and only then publishes each gateway's acknowledgement.
///
/// The broker is not the durability boundary: libmosquitto acknowledges a message to the broker before the hub has
/// stored it. A reading is safe when the hub has committed it and the gateway has deleted it on the hub's
/// acknowledgement; until then the gateway's outbox sends it again.
public struct IngestService: Service {
    /// Batching and timing.
    public struct Settings: Sendable {
        /// A batch holds at most this many messages.
        public var maximumBatchMessages: Int
        /// How often escalations and snooze expiries are checked.
        public var tickInterval: Duration
        /// A rule with no reading for this long becomes indeterminate.
        public var staleAfter: Duration
        /// On shutdown, how long the last batch's acknowledgements may wait for the broker.
        public var shutdownAcknowledgementWait: Duration
        /// How often changed gateway configurations and device inactivity timeouts are picked up from the database.
        public var registryRefreshInterval: Duration
        /// How many committed batches' acknowledgements may wait for the broker while the next batch is committed.
        public var acknowledgementsInFlight: Int

        /// The defaults: batches of up to 1,000 messages, ticks every second, stale after
        /// 10 minutes, 3 s for the last acknowledgements on shutdown, registry changes picked up every 5 s, four
        /// batches' acknowledgements in flight.
        public init(maximumBatchMessages: Int = 1000,
                    tickInterval: Duration = .seconds(1), staleAfter: Duration = .seconds(600),
                    shutdownAcknowledgementWait: Duration = .seconds(3), registryRefreshInterval: Duration = .seconds(5),
                    acknowledgementsInFlight: Int = 4) {
            self.maximumBatchMessages = maximumBatchMessages
            self.tickInterval = tickInterval
            self.staleAfter = staleAfter
            self.shutdownAcknowledgementWait = shutdownAcknowledgementWait
            self.registryRefreshInterval = registryRefreshInterval
            self.acknowledgementsInFlight = max(1, acknowledgementsInFlight)
        }
    }

    let database: AppDatabase
    let alerts: AlertBook
    let technical: TechnicalAlarms
    let mqtt: MQTTConfiguration
    let topics: TopicTree
    let settings: Settings
    let logger: Logger
    let counters: IngestCounters
    let health: IngestHealth

    /// An ingest service; `mqtt` should name a fixed client id with a persistent session, so messages published
    /// while the hub is down wait for it at the broker.
    public init(database: AppDatabase, alerts: AlertBook, technical: TechnicalAlarms = TechnicalAlarms(), mqtt: MQTTConfiguration,
                topics: TopicTree = TopicTree(), settings: Settings = Settings(), counters: IngestCounters = IngestCounters(),
                health: IngestHealth = IngestHealth(), logger: Logger) {
        self.health = health
        self.database = database
        self.alerts = alerts
        self.technical = technical
        self.mqtt = mqtt
        self.topics = topics
        self.settings = settings
        self.counters = counters
        self.logger = logger
    }

    public func run() async throws {
        do {
            // A broker that cannot be reached, or a connection libmosquitto gives up on, is retried with backoff; the
            // gateways' outboxes hold the readings meanwhile.
            try await cancelWhenGracefulShutdown {
                try await MQTTClient.withRetryingConnection(mqtt, logger: logger) { client in try await ingest(client) }
            }
        } catch is CancellationError {
            // Shutdown: the last batch was committed and acknowledged on the way out.
        }
    }

    private func ingest(_ client: MQTTClient) async throws {
        _ = try await client.subscribe(topics.hubSubscriptions.map { ($0, QoS.atLeastOnce) })
        logger.info("ingest subscribed", metadata: ["filters": "\(topics.hubSubscriptions)"])
        let buffer = MessageBuffer()
        let unconfirmed = UnconfirmedAcknowledgements()
        health.connected(buffer: buffer)
        defer { health.disconnected() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Parsing here overlaps decoding with the flusher's database work.
                var routes = RouteCache(topics: topics)
                for try await messages in client.messageBatches() {
                    let arrived = Date()
                    buffer.append(messages.map { Parsed(message: $0, meaning: IncomingMessage.parse($0, route: routes.route(of: $0.topic)), arrivedAt: arrived) })
                }
            }
            group.addTask { try await flushLoop(buffer, unconfirmed: unconfirmed, client: client) }
            group.addTask { try await tickLoop() }
            group.addTask { try await registryLoop(client) }
            do {
                try await group.next()
            } catch is CancellationError {}
            group.cancelAll()
        }
        // The messages in hand when shutdown began are committed, in a task shutdown does not cancel. Their
        // acknowledgements, and those of earlier batches the broker had not yet taken, are published in a task
        // shutdown does not cancel either, for at most `shutdownAcknowledgementWait`: a broker that hangs must not keep
        // the hub from stopping, and what goes unacknowledged the gateways send again (stored once, acknowledged then).
        let last = try await Task { try await commit(buffer.drain(limit: .max)) }.value
        let due = unconfirmed.all(adding: last)
        let wait = settings.shutdownAcknowledgementWait
        logger.info("acknowledging before stopping", metadata: ["acknowledgements": "\(due.values.reduce(0) { $0 + $1.count })", "wait": "\(wait)"])
        await Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await acknowledge(due, client: client) }
                group.addTask { try? await Task.sleep(for: wait) }
                await group.next()
                group.cancelAll()
            }
        }.value
        logger.info("ingest stopped", metadata: ["committed": "\(counters.committedReadings)"])
    }

    /// Group commit: each batch is what arrived while the previous one was being committed (up to
    /// `maximumBatchMessages`), so a quiet hub commits a message as soon as it arrives and a busy one in large
    /// batches, without a timer adding latency.
    ///
    /// A batch's acknowledgements are published while the next batch is committed (at most
    /// `acknowledgementsInFlight` batches' worth waiting for the broker): waiting for the broker's PUBACKs before
    /// committing again would leave the database idle for a round trip through a busy broker on every batch.
    private func flushLoop(_ buffer: MessageBuffer, unconfirmed: UnconfirmedAcknowledgements, client: MQTTClient) async throws {
        try await withThrowingTaskGroup(of: Void.self) { acknowledging in
            var inFlight = 0
            while !Task.isCancelled {
                let batch = await buffer.next(limit: settings.maximumBatchMessages)
                guard !batch.isEmpty else { continue }
                // A commit interrupted by shutdown would lose nothing (the gateways resend), but finishing it is
                // cheaper. Waiting for the broker to take the acknowledgements is cancellable: a hung broker must
                // not hold up shutdown.
                health.committing(since: batch.first?.arrivedAt)
                let acknowledgements = try await Task { try await commit(batch) }.value
                health.committing(since: nil)
                if inFlight == settings.acknowledgementsInFlight {
                    try await acknowledging.next()
                    inFlight -= 1
                }
                let id = unconfirmed.add(acknowledgements)
                acknowledging.addTask {
                    try await acknowledge(acknowledgements, client: client)
                    unconfirmed.remove(id)
                }
                inFlight += 1
            }
            try await acknowledging.waitForAll()
        }
    }

    private func tickLoop() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: settings.tickInterval)
            let now = Date()
            try await database.commitTick(of: alerts, at: now, staleAfter: settings.staleAfter)
            try await database.storeTechnical(at: now) { [technical] in technical.tick(now: now) }
        }
    }

    /// Publishes each gateway's configuration, retained, when this connection has not yet published its current
    /// version (so every configuration is published again after a reconnect, in case the broker lost it), clears
    /// the retained configuration of gateways the hub has none for, and hands device inactivity timeouts to the
    /// technical alarms.
    private func registryLoop(_ client: MQTTClient) async throws {
        var published: [String: Int64] = [:]
        var cleared: Set<String> = []
        while !Task.isCancelled {
            // An empty retained message clears what an earlier database may have left on the topic.
            for gateway in try await database.gatewaysWithoutConfiguration() where !cleared.contains(gateway) {
                try await client.publish(topic: topics.topic(.configuration(gateway: gateway)), payload: [], qos: .atLeastOnce, retain: true)
                cleared.insert(gateway)
            }
            for configuration in try await database.gatewayConfigurations() where published[configuration.gateway] != configuration.version {
                try await client.publish(topic: topics.topic(.configuration(gateway: configuration.gateway)),
                                         payload: PayloadCodec.encode(configuration), qos: .atLeastOnce, retain: true)
                published[configuration.gateway] = configuration.version
                logger.info("gateway configuration published", metadata: ["gateway": "\(configuration.gateway)", "version": "\(configuration.version)"])
            }
            technical.setInactivityTimeouts(try await database.inactivityTimeouts())
            try await Task.sleep(for: settings.registryRefreshInterval)
        }
    }

    /// Commits one batch of parsed messages: readings (with their alerts), dead letters, statuses and technical
    /// alarms. Returns the acknowledgements now due, per gateway.
    func commit(_ messages: [Parsed]) async throws -> [String: [Acknowledgement]] {
        guard !messages.isEmpty else { return [:] }
        let now = Date()
        var readings: [IncomingReadings] = []
        var rejected: [(gatewayID: String?, deviceID: String?, sequences: [UInt64], topic: String, payload: [UInt8], error: PayloadError)] = []
        var gatewayStatuses: [GatewayStatus] = []
        var deviceStatuses: [(status: DeviceStatus, gateway: String, message: MQTTMessage)] = []
        for parsed in messages {
            let message = parsed.message
            switch parsed.meaning {
            case .readings(let batch): readings.append(batch)
            case .gatewayStatus(let status): gatewayStatuses.append(status)
            case .deviceStatus(let status, let gateway): deviceStatuses.append((status, gateway, message))
            case .rejected(let gateway, let device, let sequences, let error):
                rejected.append((gateway, device, sequences, message.topic, message.payload, error))
            }
        }
        for item in rejected {
            try await database.recordDeadLetter(gatewayID: item.gatewayID, topic: item.topic, payload: item.payload, error: item.error, at: now)
            counters.deadLetter(gateway: item.gatewayID)
            logger.warning("dead letter", metadata: ["gateway": "\(item.gatewayID ?? "?")", "topic": "\(item.topic)", "field": "\(item.error.field)", "reason": "\(item.error.reason)"])
        }
        let outcome = try await database.commit(readings, receivedAt: now, alerts: alerts)
        counters.committed(outcome.stored.count, duplicates: outcome.duplicates)
        // The gateway of each stored reading's device: from the batches accepted, never from one refused for
        // naming another home's device.
        let accepted = readings.filter { batch in
            !outcome.refused.contains { $0.batch.gatewayID == batch.gatewayID && $0.batch.deviceID == batch.deviceID }
        }
        let gatewayOfDevice = Dictionary(accepted.map { ($0.deviceID, $0.gatewayID) }, uniquingKeysWith: { first, _ in first })
        for status in gatewayStatuses { try await database.apply(status, at: now) }
        var ownedStatuses: [(DeviceStatus, String)] = []
        for (status, gateway, message) in deviceStatuses {
            if let error = try await database.apply(status, gatewayID: gateway, at: now) {
                // Another home's device: refused, and kept away from the technical alarms of the device's own home.
                try await database.recordDeadLetter(gatewayID: gateway, topic: message.topic, payload: message.payload, error: error, at: now)
                counters.deadLetter(gateway: gateway)
            } else {
                ownedStatuses.append((status, gateway))
            }
        }
        // Computed in the database writer's turn, so technical actions are stored in the order they were produced.
        let stored = outcome.stored
        try await database.storeTechnical(at: now) { [technical, gatewayStatuses, ownedStatuses] in
            technical.readings(stored, arrivedAt: now) { gatewayOfDevice[$0] ?? "" }
                + gatewayStatuses.flatMap { technical.gatewayStatus($0, at: now) }
                + ownedStatuses.flatMap { technical.deviceStatus($0.0, gatewayID: $0.1, at: now) }
        }
        // Acknowledge only what is now durably the hub's: committed readings and dead-lettered ones.
        var acknowledgements = outcome.acknowledgements
        for item in rejected where !item.sequences.isEmpty {
            guard let gateway = item.gatewayID, let device = item.deviceID else { continue }
            acknowledgements[gateway, default: []].append(Acknowledgement(device: device, committed: SequenceRanges(item.sequences)))
        }
        return acknowledgements
    }

    /// Publishes acknowledgements, all at once, and returns when the broker has taken every one (PUBACK).
    func acknowledge(_ acknowledgements: [String: [Acknowledgement]], client: MQTTClient) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (gateway, acks) in acknowledgements {
                let topic = topics.topic(.acknowledgements(gateway: gateway))
                for ack in acks {
                    group.addTask { try await client.publish(topic: topic, payload: PayloadCodec.encode(ack), qos: .atLeastOnce) }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// Acknowledgements of committed batches that the broker has not yet taken: published again on shutdown, when the
/// tasks publishing them have been cancelled. Publishing one twice is harmless (the agent deletes what it names).
final class UnconfirmedAcknowledgements: Sendable {
    private let pending = Mutex<(next: Int, batches: [Int: [String: [Acknowledgement]]])>((0, [:]))

    func add(_ acknowledgements: [String: [Acknowledgement]]) -> Int {
        pending.withLock { state in
            state.next += 1
            state.batches[state.next] = acknowledgements
            return state.next
        }
    }

    func remove(_ id: Int) {
        _ = pending.withLock { $0.batches.removeValue(forKey: id) }
    }

    /// Every unconfirmed acknowledgement, oldest batch first, followed by `last`'s.
    func all(adding last: [String: [Acknowledgement]]) -> [String: [Acknowledgement]] {
        let batches = pending.withLock { $0.batches.sorted { $0.key < $1.key }.map(\.value) }
        var merged: [String: [Acknowledgement]] = [:]
        for batch in batches + [last] {
            for (gateway, acks) in batch { merged[gateway, default: []] += acks }
        }
        return merged
    }
}

/// A message and what it means, parsed as it arrived.
struct Parsed: Sendable {
    var message: MQTTMessage
    var meaning: IncomingMessage
    /// When the hub received it: how far behind ingest is, for /health.
    var arrivedAt = Date()
}

/// Messages received and not yet committed; the MQTT reader appends, the flusher takes them in batches, waiting
/// when there are none.
///
/// Not bounded, on purpose: the reader must never wait here. If it did, libmosquitto's loop thread would fill the
/// client's own buffer and stop, and with it the PUBACKs of the hub's acknowledgements, which the flusher waits for
/// before taking more: a deadlock (a bounded version of this buffer hung the ingest benchmark at 84,000 readings).
/// What bounds it is the broker's queue for the hub's session and the flusher's pace.
final class MessageBuffer: Sendable {
    private struct State {
        var messages: [Parsed] = []
        var consumer: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// When the oldest message waiting here arrived; nil when none waits.
    var oldestArrival: Date? { state.withLock { $0.messages.first?.arrivedAt } }

    func append(_ messages: [Parsed]) {
        let consumer = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.messages.append(contentsOf: messages)
            defer { state.consumer = nil }
            return state.consumer
        }
        consumer?.resume()
    }

    /// Up to `limit` of the oldest messages, at once; empty when there are none.
    func drain(limit: Int) -> [Parsed] {
        state.withLock { state in
            let count = min(limit, state.messages.count)
            guard count < state.messages.count else {
                let all = state.messages
                state.messages = []
                return all
            }
            let batch = Array(state.messages.prefix(count))
            state.messages.removeFirst(count)
            return batch
        }
    }

    /// Up to `limit` of the oldest messages, waiting for one if there are none; empty only when the task is
    /// cancelled. One caller at a time.
    func next(limit: Int) async -> [Parsed] {
        while !Task.isCancelled {
            let batch = drain(limit: limit)
            if !batch.isEmpty { return batch }
            await waitForMessage()
        }
        return []
    }

    private func waitForMessage() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.messages.isEmpty || Task.isCancelled { return true }
                    state.consumer = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.consumer = nil }
                return state.consumer
            }
            waiter?.resume()
        }
    }
}

/// What ingest has done since start-up, for status output and metrics.
public final class IngestCounters: Sendable {
    private struct State {
        var committed = 0
        var duplicates = 0
        var deadLetters: [String: Int] = [:]
    }

    private let state = Mutex(State())

    /// Counters starting at zero.
    public init() {}

    func committed(_ count: Int, duplicates: Int) {
        state.withLock {
            $0.committed += count
            $0.duplicates += duplicates
        }
    }

    func deadLetter(gateway: String?) { state.withLock { $0.deadLetters[gateway ?? "(unknown)", default: 0] += 1 } }

    /// Readings committed for the first time.
    public var committedReadings: Int { state.withLock { $0.committed } }
    /// Readings received again and not stored twice.
    public var duplicateReadings: Int { state.withLock { $0.duplicates } }
    /// Dead letters per gateway.
    public var deadLetters: [String: Int] { state.withLock { $0.deadLetters } }
}
