extension ClientCore {
    /// The number of connections lost so far; read before sending something that does not survive a reconnect.
    func currentEpoch() -> Int {
        state.withLock { $0.epoch }
    }

    /// PUBACK/PUBCOMP (or a QoS 0 publish written), SUBACK or UNSUBACK for `messageID` (libmosquitto's loop
    /// thread). It may come before the caller has registered for it: then it is kept until the caller asks.
    func acknowledged(_ messageID: Int32, _ acknowledgement: Acknowledgement) {
        let continuation = state.withLock { state -> CheckedContinuation<Acknowledgement, any Error>? in
            if let pending = state.pending.removeValue(forKey: messageID) { return pending.continuation }
            if state.abandonedMessageIDs.removeValue(forKey: messageID) == nil {
                state.earlyAcknowledgements[messageID] = acknowledgement
            }
            return nil
        }
        continuation?.resume(returning: acknowledgement)
    }

    /// Waits for the acknowledgement of `messageID`, which libmosquitto has just accepted while the connection
    /// count stood at `epoch`. Cancelling stops the wait; what was sent may still reach the broker.
    func acknowledgement(for messageID: Int32, sentAt epoch: Int, survivesReconnect: Bool) async throws -> Acknowledgement {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Acknowledgement, any Error>) in
                let immediate = state.withLock { state -> Result<Acknowledgement, any Error>? in
                    if let early = state.earlyAcknowledgements.removeValue(forKey: messageID) { return .success(early) }
                    if let reason = state.closedReason { return .failure(reason) }
                    if !survivesReconnect, state.epoch != epoch {
                        // Sent on a connection that is gone: its acknowledgement cannot come.
                        return .failure(MQTTError.connectionLost)
                    }
                    if Task.isCancelled {
                        state.abandonedMessageIDs[messageID] = survivesReconnect
                        return .failure(CancellationError())
                    }
                    state.pending[messageID] = PendingAcknowledgement(continuation: continuation, survivesReconnect: survivesReconnect)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Acknowledgement, any Error>? in
                guard let pending = state.pending.removeValue(forKey: messageID) else { return nil }
                state.abandonedMessageIDs[messageID] = pending.survivesReconnect
                return pending.continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Drops the acknowledgement of a message id the client sent for itself.
    func ignoreAcknowledgement(of messageID: Int32) {
        state.withLock { state in
            if state.earlyAcknowledgements.removeValue(forKey: messageID) == nil {
                state.abandonedMessageIDs[messageID] = false
            }
        }
    }

    func recordSubscriptions(_ granted: [(filter: String, qos: QoS)]) {
        state.withLock { state in
            for (filter, qos) in granted { state.subscriptions[filter] = qos }
        }
    }

    func forgetSubscriptions(_ filters: [String]) {
        state.withLock { state in
            for filter in filters { state.subscriptions[filter] = nil }
        }
    }
}
