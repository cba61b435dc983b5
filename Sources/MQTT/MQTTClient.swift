internal import CMosquitto
import Dispatch
import Logging

/// A connection to an MQTT broker through libmosquitto, used inside `withConnection`.
///
/// ```swift
/// try await MQTTClient.withConnection(configuration, logger: logger) { client in
///     try await client.subscribe([("silverwatch/+/readings", .atLeastOnce)])
///     try await client.publish(topic: "silverwatch/gw-1/status", payload: Array("online".utf8), retain: true)
///     for try await message in client.messages { … }
/// }
/// ```
///
/// libmosquitto runs the connection on its own loop thread: it reads and writes the socket, answers pings, and
/// reconnects with the configured backoff when the connection drops. Every method may be called from any task.
public struct MQTTClient: Sendable {
    let mosquitto: Mosquitto
    let configuration: MQTTConfiguration
    let logger: Logger

    var core: ClientCore { mosquitto.core }

    init(configuration: MQTTConfiguration, logger: Logger) throws(MQTTError) {
        try configuration.validate()
        var logger = logger
        logger[metadataKey: "mqtt.client_id"] = "\(configuration.clientID)"
        logger[metadataKey: "mqtt.broker"] = "\(configuration.host):\(configuration.port)"
        let core = ClientCore(
            logger: logger,
            protocolVersion: configuration.protocolVersion,
            bufferCapacity: configuration.messageBufferCapacity
        )
        self.mosquitto = try Mosquitto(configuration: configuration, core: core)
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects, runs `body` with the connected client, then disconnects cleanly (DISCONNECT, so the broker
    /// discards the will) and stops libmosquitto's loop thread, whether `body` returns or throws.
    ///
    /// Throws before `body` runs when the broker cannot be reached (`MQTTError.library(.system(errno:))`),
    /// refuses the connection (`MQTTError.connectionRefused`, e.g. `.notAuthorized`), or sends no CONNACK in
    /// time (`MQTTError.connectTimedOut`). Once connected, a dropped connection is re-established in the
    /// background; `connectionEvents()` reports it. When the scope ends, operations still waiting (a QoS 1
    /// publish the broker never acknowledged) throw `MQTTError.closed`.
    @discardableResult
    public static func withConnection<Value>(
        _ configuration: MQTTConfiguration,
        logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MQTTClient) async throws -> Value
    ) async throws -> Value {
        let client = try MQTTClient(configuration: configuration, logger: logger)
        do {
            try await client.connect()
        } catch {
            await client.close()
            throw error
        }
        let outcome: Result<Value, any Error>
        do {
            outcome = .success(try await body(client))
        } catch {
            outcome = .failure(error)
        }
        await client.close()
        return try outcome.get()
    }

    private func connect() async throws {
        let configuration = self.configuration
        let sessionExpiry: UInt32? =
            switch (configuration.protocolVersion, configuration.session) {
            case (.v5, .persistent(let expiry)): expiry.map { UInt32($0.wholeSecondsRoundedUp) } ?? UInt32.max
            default: nil
            }
        let connected = await mosquitto.offloaded { mosquitto in
            mosquitto.connect(
                host: configuration.host,
                port: configuration.port,
                keepAlive: configuration.keepAlive.wholeSecondsRoundedUp,
                sessionExpiry: sessionExpiry
            )
        }
        try check(connected.code, connected.errno)
        let started = mosquitto.startLoop()
        try check(started.code, started.errno)

        // A Dispatch timer rather than a sleeping task: cancelling `Task.sleep` leaves its timer armed until the
        // deadline, one per connect, which valgrind then reports as memory still in use.
        let core = self.core
        let timer = DispatchSource.makeTimerSource()
        timer.setEventHandler { core.failFirstConnection(.connectTimedOut) }
        timer.schedule(deadline: .now() + configuration.connectTimeout.dispatchInterval)
        timer.resume()
        defer { timer.cancel() }
        _ = try await core.firstConnectionOutcome()
    }

    private func close() async {
        core.beginClosing()
        await mosquitto.offloaded { $0.disconnectAndStopLoop() }
        core.finishClosing()
    }

    /// Publishes `payload` to `topic`.
    ///
    /// QoS 0 returns once libmosquitto has written the packet to the socket. QoS 1 and 2 return once the broker
    /// has acknowledged it (PUBACK, PUBCOMP). If the connection drops meanwhile, libmosquitto keeps the message
    /// and sends it again after reconnecting, and this keeps waiting; published while disconnected, it is queued
    /// and sent on reconnect. Throws `MQTTError.publishRejected` when an MQTT 5 broker answers with a failure
    /// reason, `MQTTError.closed` if the client is shut down first, `MQTTError.connectionLost` when a QoS 0
    /// message was lost with the connection, `MQTTError.library(.notConnected)` for QoS 0 while disconnected.
    /// Cancelling stops the wait, but a QoS 1/2 message may still be delivered.
    public func publish(topic: String, payload: [UInt8], qos: QoS = .atLeastOnce, retain: Bool = false) async throws {
        if let reason = core.closedReason() { throw reason }
        let epoch = core.currentEpoch()
        let sent = mosquitto.publish(topic: topic, payload: payload, qos: qos, retain: retain)
        let queuedWhileDisconnected = sent.code == MOSQ_ERR_NO_CONN.rawValue && qos != .atMostOnce
        if !queuedWhileDisconnected { try check(sent.code, sent.errno) }
        let acknowledgement = try await core.acknowledgement(for: sent.messageID, sentAt: epoch, survivesReconnect: qos != .atMostOnce)
        if case .published(let reason) = acknowledgement, reason.isFailure {
            throw MQTTError.publishRejected(topic: topic, reason)
        }
    }

    /// Subscribes to topic filters, each with its maximum QoS, and returns once the broker has answered (SUBACK)
    /// with the QoS it granted, in the order given.
    ///
    /// Messages arrive on `messages`. Throws `MQTTError.subscriptionRejected` for the first filter the broker
    /// refused (the others stay subscribed), `MQTTError.connectionLost` if the connection dropped before the
    /// SUBACK (subscribing again is harmless). After a reconnect that finds no session on the broker, the client
    /// subscribes to its filters again by itself.
    @discardableResult
    public func subscribe(_ filters: [(String, QoS)]) async throws -> [QoS] {
        var granted: [String: QoS] = [:]
        for qos in QoS.allCases {
            let group = filters.filter { $0.1 == qos }.map(\.0)
            guard !group.isEmpty else { continue }
            if let reason = core.closedReason() { throw reason }
            let epoch = core.currentEpoch()
            let sent = mosquitto.subscribe(group, qos: qos)
            try check(sent.code, sent.errno)
            let acknowledgement = try await core.acknowledgement(for: sent.messageID, sentAt: epoch, survivesReconnect: false)
            guard case .subscribed(let codes) = acknowledgement else { continue }
            var rejection: MQTTError?
            var accepted: [(filter: String, qos: QoS)] = []
            for (filter, code) in zip(group, codes) {
                if code.isFailure || QoS(rawValue: Int(code.rawValue)) == nil {
                    rejection = rejection ?? .subscriptionRejected(filter: filter, code)
                } else if let grantedQoS = QoS(rawValue: Int(code.rawValue)) {
                    accepted.append((filter, grantedQoS))
                    granted[filter] = grantedQoS
                }
            }
            core.recordSubscriptions(accepted)
            if let rejection { throw rejection }
        }
        logger.debug("MQTT subscribed", metadata: ["mqtt.filters": "\(filters.map(\.0))"])
        return filters.map { granted[$0.0] ?? $0.1 }
    }

    /// Subscribes to one topic filter; see `subscribe(_:)`.
    @discardableResult
    public func subscribe(to filter: String, qos: QoS = .atLeastOnce) async throws -> QoS {
        try await subscribe([(filter, qos)])[0]
    }

    /// Unsubscribes from topic filters and returns once the broker has answered (UNSUBACK): no message matching
    /// only these filters is delivered after it. Throws `MQTTError.connectionLost` if the connection dropped first.
    public func unsubscribe(_ filters: [String]) async throws {
        guard !filters.isEmpty else { return }
        if let reason = core.closedReason() { throw reason }
        let epoch = core.currentEpoch()
        let sent = mosquitto.unsubscribe(filters)
        try check(sent.code, sent.errno)
        core.forgetSubscriptions(filters)
        _ = try await core.acknowledgement(for: sent.messageID, sentAt: epoch, survivesReconnect: false)
    }

    /// Every message the connection receives, for all its subscriptions, in arrival order.
    ///
    /// Read it from one task. It ends (returns nil) when the client is closed and throws when the connection has
    /// ended for good. While the buffer (`messageBufferCapacity`) is full, libmosquitto's loop thread waits for the
    /// reader: nothing is dropped, and the broker holds what has not been read yet. The same thread also handles
    /// PUBACKs, pings and reconnects, so a client that subscribes must keep reading, or its own publishes stall too.
    public var messages: MQTTMessages { MQTTMessages(core: core) }

    /// The same messages as ``messages``, in order, as arrays of everything received since the last one (at most
    /// `maximum`): for subscribers that take many messages a second and handle them together.
    public func messageBatches(maximum: Int = 1000) -> MQTTMessageBatches { MQTTMessageBatches(core: core, maximum: max(1, maximum)) }

    /// A new stream of connection changes: `.connected` (first, if connected now), `.disconnected` when the
    /// connection drops, `.connected` again after each reconnect. It finishes when the client is closed or stops
    /// for good.
    public func connectionEvents() -> AsyncStream<MQTTConnectionEvent> {
        core.connectionEvents()
    }

    private func check(_ code: Int32, _ errno: Int32) throws(MQTTError) {
        guard code != MOSQ_ERR_SUCCESS.rawValue else { return }
        throw .library(MosquittoError(code: code, errno: errno))
    }
}

/// The messages a connection receives; see `MQTTClient.messages`.
public struct MQTTMessages: AsyncSequence, Sendable {
    /// One received message.
    public typealias Element = MQTTMessage

    let core: ClientCore

    /// An iterator over the connection's messages; iterators share one buffer.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(core: core)
    }

    /// Waits for the next message.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let core: ClientCore

        /// The next message; nil once the client is closed; throws the reason when the connection has ended
        /// for good, or `CancellationError` when the task is cancelled.
        public mutating func next() async throws -> MQTTMessage? {
            try await core.nextMessage()
        }
    }
}

/// The messages a connection receives, in batches; see `MQTTClient.messageBatches(maximum:)`.
public struct MQTTMessageBatches: AsyncSequence, Sendable {
    /// The messages received since the previous batch, oldest first; never empty.
    public typealias Element = [MQTTMessage]

    let core: ClientCore
    let maximum: Int

    /// An iterator over the connection's messages in batches; iterators share one buffer.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(core: core, maximum: maximum)
    }

    /// Waits for the next batch.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let core: ClientCore
        let maximum: Int

        /// The next batch; nil once the client is closed; throws the reason when the connection has ended for good,
        /// or `CancellationError` when the task is cancelled.
        public mutating func next() async throws -> [MQTTMessage]? {
            let batch = try await core.nextMessages(limit: maximum)
            return batch.isEmpty ? nil : batch
        }
    }
}
