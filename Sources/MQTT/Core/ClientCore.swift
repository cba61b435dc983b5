import Dispatch
import Logging
import Synchronization

/// The Swift side of one libmosquitto client: what libmosquitto's callbacks report on its loop thread, and what
/// tasks wait for (CONNACK, acknowledgements, messages, connection events).
///
/// It holds no C pointers and never calls into libmosquitto, so its lock is never held across a libmosquitto
/// call: a callback (which runs while libmosquitto holds its own callback mutex) can always take it.
final class ClientCore: Sendable {
    let logger: Logger
    let protocolVersion: MQTTConfiguration.ProtocolVersion
    /// How many received messages may wait for the application.
    let bufferCapacity: Int
    /// Once the loop thread has blocked on a full buffer, the consumer wakes it when the buffer is down to this.
    let bufferLowWater: Int
    let state: Mutex<State>
    /// Where libmosquitto's loop thread waits while the message buffer is full.
    let producerGate = DispatchSemaphore(value: 0)

    init(logger: Logger, protocolVersion: MQTTConfiguration.ProtocolVersion, bufferCapacity: Int) {
        self.logger = logger
        self.protocolVersion = protocolVersion
        self.bufferCapacity = bufferCapacity
        self.bufferLowWater = bufferCapacity - max(1, bufferCapacity / 4)
        self.state = Mutex(State())
    }

    /// The core behind a callback's `userdata` (passed unretained: the `Mosquitto` handle keeps the core alive for
    /// as long as libmosquitto can call back).
    static func from(_ userdata: UnsafeMutableRawPointer?) -> ClientCore? {
        guard let userdata else { return nil }
        return Unmanaged<ClientCore>.fromOpaque(userdata).takeUnretainedValue()
    }
}

extension ClientCore {
    enum Phase: Equatable {
        /// Waiting for the first CONNACK.
        case connecting
        case connected(sessionPresent: Bool)
        /// Lost the connection; the loop thread is reconnecting.
        case reconnecting
        /// `close()` has begun: the DISCONNECT is on its way and the loop thread is being stopped.
        case closing
        /// Nothing more will happen: closed by the application (`.closed`), or the loop thread stopped by itself.
        case closed(MQTTError)
    }

    /// What the broker acknowledged for a message id.
    enum Acknowledgement: Sendable {
        case published(MQTTReasonCode)
        case subscribed([MQTTReasonCode])
        case unsubscribed
    }

    struct PendingAcknowledgement {
        var continuation: CheckedContinuation<Acknowledgement, any Error>
        /// QoS 1/2 publishes stay queued in libmosquitto and are sent again after a reconnect; a QoS 0 publish,
        /// a subscribe or an unsubscribe is discarded with the connection.
        var survivesReconnect: Bool
    }

    struct State {
        var phase = Phase.connecting
        var hasConnected = false
        var connectWaiter: CheckedContinuation<Bool, any Error>?
        /// The first CONNACK's outcome when it arrives before anyone waits for it.
        var connectOutcome: Result<Bool, MQTTError>?
        /// The reason of the last refused CONNACK, until a connection succeeds.
        var lastRefusal: MQTTReasonCode?
        /// Counts lost connections, so an operation can tell that the connection it was sent on is gone.
        var epoch = 0

        var pending: [Int32: PendingAcknowledgement] = [:]
        /// Acknowledgements that arrived before the caller registered for them (libmosquitto can call back
        /// before `mosquitto_publish` has even returned the message id).
        var earlyAcknowledgements: [Int32: Acknowledgement] = [:]
        /// Message ids nobody waits for any more (cancelled, or re-subscriptions the client made by itself), with
        /// whether their acknowledgement can still come after a reconnect (a QoS 1 publish, which libmosquitto sends
        /// again). The others are forgotten when the connection is lost: their acknowledgement will never come, and
        /// libmosquitto reuses message ids, so a stale entry would swallow a later operation's acknowledgement.
        var abandonedMessageIDs: [Int32: Bool] = [:]

        var inbox = MessageQueue()
        var receivers: [(id: UInt64, continuation: CheckedContinuation<MQTTMessage?, any Error>)] = []
        var producerIsWaiting = false
        var bufferHighWaterMark = 0
        var droppedWhileClosing = 0

        var eventSubscribers: [UInt64: AsyncStream<MQTTConnectionEvent>.Continuation] = [:]
        /// Granted subscriptions, re-sent when a reconnect finds no session on the broker.
        var subscriptions: [String: QoS] = [:]
        var nextID: UInt64 = 0

        mutating func makeID() -> UInt64 {
            nextID += 1
            return nextID
        }

        /// The error for work that can no longer be done, or nil while the client is usable.
        var closedReason: MQTTError? {
            if case .closed(let reason) = phase { reason } else { nil }
        }
    }
}
