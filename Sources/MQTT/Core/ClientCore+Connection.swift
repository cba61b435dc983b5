import Logging

extension ClientCore {
    /// CONNACK with success (libmosquitto's loop thread). Returns the filters to subscribe again: after a
    /// reconnect that found no session, the broker has forgotten them.
    func connectionAccepted(sessionPresent: Bool) -> [(filter: String, qos: QoS)] {
        let (waiter, isFirst, resubscribe) = state.withLock { state in
            let isFirst = !state.hasConnected
            state.hasConnected = true
            state.lastRefusal = nil
            switch state.phase {
            case .closing, .closed: break
            default: state.phase = .connected(sessionPresent: sessionPresent)
            }
            let waiter = state.connectWaiter.take()
            if waiter == nil, isFirst { state.connectOutcome = .success(sessionPresent) }
            for subscriber in state.eventSubscribers.values {
                subscriber.yield(.connected(sessionPresent: sessionPresent))
            }
            let resubscribe = isFirst || sessionPresent ? [] : state.subscriptions.map { (filter: $0.key, qos: $0.value) }
            return (waiter, isFirst, resubscribe)
        }
        waiter?.resume(returning: sessionPresent)
        logger.info(
            isFirst ? "MQTT connected" : "MQTT reconnected",
            metadata: ["mqtt.session_present": "\(sessionPresent)", "mqtt.resubscribing": "\(resubscribe.count)"]
        )
        return resubscribe
    }

    /// CONNACK with a refusal (libmosquitto's loop thread).
    func connectionRefused(_ reason: MQTTReasonCode) {
        let (waiter, hasConnected) = state.withLock { state in
            state.lastRefusal = reason
            let waiter = state.connectWaiter.take()
            if waiter == nil, !state.hasConnected, state.connectOutcome == nil {
                state.connectOutcome = .failure(.connectionRefused(reason))
            }
            return (waiter, state.hasConnected)
        }
        waiter?.resume(throwing: MQTTError.connectionRefused(reason))
        // The first connection's refusal is thrown to the caller of `withConnection`; a later one only shows here.
        logger.log(level: hasConnected ? .error : .debug, "MQTT broker refused the connection", metadata: ["mqtt.reason": "\(reason)"])
    }

    /// The connection ended (libmosquitto's loop thread). `code` is a `MOSQ_ERR_*` value when libmosquitto
    /// noticed the loss, or the MQTT 5 reason code of a DISCONNECT the broker sent; `errno` is read right away.
    func connectionClosed(code: Int32, errno: Int32) {
        let outcome = state.withLock { state in
            state.epoch += 1
            state.abandonedMessageIDs = state.abandonedMessageIDs.filter(\.value)
            let requested = state.phase == .closing || state.closedReason != nil
            let wasConnected = if case .connected = state.phase { true } else { false }
            // libmosquitto 2.0's loop thread exits, instead of reconnecting, after a DISCONNECT from the broker
            // (state "disconnected", reported with the reason code: 0 or 0x80 and above) and after the errors
            // `mosquitto_loop_forever` treats as fatal (an MQTT 5 CONNACK refusal arrives as MOSQ_ERR_PROTOCOL).
            let loopStops = requested || code == 0 || code >= 0x80 || MosquittoError.stopsLoopThread(code)
            let reason: MQTTError =
                if let refusal = state.lastRefusal { .connectionRefused(refusal) }
                else if code == 0 || code >= 0x80 { .disconnectedByBroker(MQTTReasonCode(rawValue: UInt8(truncatingIfNeeded: code))) }
                else { .library(MosquittoError(code: code, errno: errno)) }

            var failed: [CheckedContinuation<Acknowledgement, any Error>] = []
            for (messageID, pending) in state.pending where !pending.survivesReconnect || (loopStops && !requested) {
                failed.append(pending.continuation)
                state.pending[messageID] = nil
            }
            let waiter = state.connectWaiter.take()
            if waiter == nil, !state.hasConnected, state.connectOutcome == nil {
                state.connectOutcome = .failure(reason)
            }

            var receivers: [CheckedContinuation<MQTTMessage?, any Error>] = []
            var finishedSubscribers: [AsyncStream<MQTTConnectionEvent>.Continuation] = []
            if !requested {
                if wasConnected {
                    for subscriber in state.eventSubscribers.values {
                        subscriber.yield(.disconnected(reason, reconnecting: !loopStops))
                    }
                }
                if loopStops {
                    state.phase = .closed(reason)
                    receivers = state.receivers.map(\.continuation)
                    state.receivers.removeAll()
                    finishedSubscribers = Array(state.eventSubscribers.values)
                    state.eventSubscribers.removeAll()
                } else {
                    state.phase = .reconnecting
                }
            }
            let quiet = requested || !state.hasConnected
            let operationError: MQTTError = loopStops && !requested ? reason : .connectionLost
            return (quiet, loopStops, reason, operationError, failed, waiter, receivers, finishedSubscribers)
        }
        let (quiet, loopStops, reason, operationError, failed, waiter, receivers, finishedSubscribers) = outcome

        for continuation in failed { continuation.resume(throwing: operationError) }
        waiter?.resume(throwing: reason)
        for receiver in receivers { receiver.resume(throwing: reason) }
        for subscriber in finishedSubscribers { subscriber.finish() }

        if quiet {
            // Asked for by `close()`, or the first connection failing: `withConnection` reports that itself.
            logger.debug("MQTT disconnected", metadata: ["mqtt.reason": "\(reason)"])
        } else if loopStops {
            logger.error("MQTT connection ended; libmosquitto will not reconnect", metadata: ["mqtt.reason": "\(reason)"])
        } else {
            logger.warning("MQTT connection lost; reconnecting", metadata: ["mqtt.reason": "\(reason)"])
        }
    }

    /// Gives up on the first connection (its timeout fired) unless its CONNACK has already arrived.
    func failFirstConnection(_ error: MQTTError) {
        let waiter = state.withLock { state -> CheckedContinuation<Bool, any Error>? in
            guard !state.hasConnected, state.connectOutcome == nil else { return nil }
            guard let waiter = state.connectWaiter.take() else {
                state.connectOutcome = .failure(error)
                return nil
            }
            return waiter
        }
        waiter?.resume(throwing: error)
    }

    /// Waits for the first CONNACK: its session-present flag, or why the connection failed.
    func firstConnectionOutcome() async throws -> Bool {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
                let immediate = state.withLock { state -> Result<Bool, any Error>? in
                    if let outcome = state.connectOutcome { return outcome.mapError { $0 } }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.connectWaiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            state.withLock { $0.connectWaiter.take() }?.resume(throwing: CancellationError())
        }
    }

    /// A new stream of connection events, starting with the current state when connected.
    func connectionEvents() -> AsyncStream<MQTTConnectionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: MQTTConnectionEvent.self,
            bufferingPolicy: .bufferingNewest(64)
        )
        let registered = state.withLock { state -> UInt64? in
            if state.closedReason != nil { return nil }
            let id = state.makeID()
            state.eventSubscribers[id] = continuation
            if case .connected(let sessionPresent) = state.phase {
                continuation.yield(.connected(sessionPresent: sessionPresent))
            }
            return id
        }
        guard let registered else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.eventSubscribers.removeValue(forKey: registered) }
        }
        return stream
    }

    /// The error an operation gets when the client can no longer do it, or nil.
    func closedReason() -> MQTTError? {
        state.withLock { $0.closedReason }
    }

    /// Starts closing: messages arriving from now on have no reader, so the loop thread must not block on them.
    func beginClosing() {
        let wakeProducer = state.withLock { state in
            if state.closedReason == nil { state.phase = .closing }
            defer { state.producerIsWaiting = false }
            return state.producerIsWaiting
        }
        if wakeProducer { producerGate.signal() }
    }

    /// Finishes closing once the loop thread has stopped: everything still waiting ends.
    func finishClosing() {
        let (pending, receivers, subscribers, undelivered) = state.withLock { state in
            if state.closedReason == nil { state.phase = .closed(.closed) }
            let pending = state.pending.values.map(\.continuation)
            let receivers = state.receivers.map(\.continuation)
            let subscribers = Array(state.eventSubscribers.values)
            let undelivered = state.inbox.count + state.droppedWhileClosing
            state.pending.removeAll()
            state.earlyAcknowledgements.removeAll()
            state.abandonedMessageIDs.removeAll()
            state.receivers.removeAll()
            state.eventSubscribers.removeAll()
            state.inbox.removeAll()
            return (pending, receivers, subscribers, undelivered)
        }
        for continuation in pending { continuation.resume(throwing: MQTTError.closed) }
        for receiver in receivers { receiver.resume(returning: nil) }
        for subscriber in subscribers { subscriber.finish() }
        if undelivered > 0 {
            // libmosquitto acknowledged these to the broker before handing them over; end-to-end
            // acknowledgement by the application is what makes them safe.
            logger.warning("MQTT client closed with received messages nobody read", metadata: ["mqtt.undelivered": "\(undelivered)"])
        }
    }
}
