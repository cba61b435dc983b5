import Logging

extension ClientCore {
    private enum Delivery {
        case handedOver(CheckedContinuation<MQTTMessage?, any Error>)
        case buffered
        case dropped
        case waitForRoom
    }

    /// A message arrived (libmosquitto's loop thread). Never drops it while the client is open: when the buffer
    /// is full this blocks the loop thread until the application has read enough, so libmosquitto stops reading
    /// the socket and the broker holds the rest.
    func deliver(_ message: MQTTMessage) {
        var hasWaited = false
        while true {
            let delivery = state.withLock { state -> Delivery in
                switch state.phase {
                case .closing, .closed:
                    state.droppedWhileClosing += 1
                    return .dropped
                default:
                    break
                }
                if !state.receivers.isEmpty { return .handedOver(state.receivers.removeFirst().continuation) }
                if state.inbox.count < bufferCapacity {
                    state.inbox.append(message)
                    state.bufferHighWaterMark = max(state.bufferHighWaterMark, state.inbox.count)
                    return .buffered
                }
                state.producerIsWaiting = true
                return .waitForRoom
            }
            switch delivery {
            case .handedOver(let receiver):
                receiver.resume(returning: message)
                return
            case .buffered, .dropped:
                return
            case .waitForRoom:
                if !hasWaited {
                    hasWaited = true
                    logger.debug("MQTT message buffer full; holding libmosquitto's loop thread", metadata: ["mqtt.buffer_capacity": "\(bufferCapacity)"])
                }
                producerGate.wait()
            }
        }
    }

    /// The next received message; nil once the client has been closed; throws the reason when the connection
    /// ended for good.
    func nextMessage() async throws -> MQTTMessage? {
        if let ready = state.withLock({ takeReady(&$0) }) { return try ready.get() }
        let id = state.withLock { $0.makeID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<MQTTMessage?, any Error>) in
                let immediate = state.withLock { state -> Result<MQTTMessage?, any Error>? in
                    if let ready = takeReady(&state) { return ready }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.receivers.append((id: id, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let receiver = state.withLock { state -> CheckedContinuation<MQTTMessage?, any Error>? in
                guard let index = state.receivers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.receivers.remove(at: index).continuation
            }
            receiver?.resume(throwing: CancellationError())
        }
    }

    /// Every buffered message up to `limit`, waiting for one when none is buffered; empty once the client has been
    /// closed; throws the reason when the connection ended for good. One call for many messages: a busy subscriber
    /// pays for one wake-up per batch, not per message.
    func nextMessages(limit: Int) async throws -> [MQTTMessage] {
        guard let first = try await nextMessage() else { return [] }
        var batch = [first]
        state.withLock { state in
            while batch.count < limit, let message = state.inbox.popFirst() { batch.append(message) }
            if state.producerIsWaiting, state.inbox.count <= bufferLowWater {
                state.producerIsWaiting = false
                producerGate.signal()
            }
        }
        return batch
    }

    /// A buffered message (waking the loop thread once there is room again), the end of the sequence, or nil
    /// when the caller has to wait.
    private func takeReady(_ state: inout State) -> Result<MQTTMessage?, any Error>? {
        if let message = state.inbox.popFirst() {
            if state.producerIsWaiting, state.inbox.count <= bufferLowWater {
                state.producerIsWaiting = false
                producerGate.signal()
            }
            return .success(message)
        }
        switch state.phase {
        case .closing, .closed(.closed): return .success(nil)
        case .closed(let reason): return .failure(reason)
        default: return nil
        }
    }

    /// The most messages that have waited in the buffer at once.
    func bufferHighWaterMark() -> Int {
        state.withLock { $0.bufferHighWaterMark }
    }
}
