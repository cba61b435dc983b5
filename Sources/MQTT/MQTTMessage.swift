/// MQTT quality of service for a publish or a subscription.
///
/// With libmosquitto a received QoS 1 message is acknowledged to the broker *before* the application sees it, so
/// QoS protects the hop to the broker, not the application's processing: delivery that must survive a crash is
/// acknowledged end to end by the application itself.
public enum QoS: Int, Sendable, Hashable, Comparable, CaseIterable {
    /// Fire and forget: the broker may never see it, and never sees it twice.
    case atMostOnce = 0
    /// Acknowledged by the broker (PUBACK); may arrive more than once.
    case atLeastOnce = 1
    /// Four-packet handshake: arrives exactly once between client and broker.
    case exactlyOnce = 2

    /// Orders by guarantee: at most once < at least once < exactly once.
    public static func < (lhs: QoS, rhs: QoS) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One application message received on a subscription.
public struct MQTTMessage: Sendable, Hashable {
    /// The topic it was published to (never a filter).
    public var topic: String
    /// The payload bytes exactly as published.
    public var payload: [UInt8]
    /// The QoS it was delivered with: the lower of the publish QoS and the subscription's granted QoS.
    public var qos: QoS
    /// True when the broker delivered it from its retained store (a message published with `retain` before this
    /// subscription existed).
    public var retain: Bool

    /// A message as it would arrive; tests and simulators build these directly.
    public init(topic: String, payload: [UInt8], qos: QoS, retain: Bool) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// A change in the client's connection to the broker, for reporting online state.
public enum MQTTConnectionEvent: Sendable, Hashable {
    /// The broker accepted the connection. `sessionPresent` is true when it resumed a persistent session (its
    /// subscriptions and the QoS 1/2 messages queued while the client was away); when false after a reconnect, the
    /// client has re-subscribed to its filters by itself.
    case connected(sessionPresent: Bool)
    /// The connection went down. When `reconnecting` is true libmosquitto's loop thread retries with the
    /// configured backoff; when false the client has stopped for good (for example the broker refused the new
    /// connection under MQTT 5, or closed it with a reason code) and the caller must start a new connection.
    case disconnected(MQTTError, reconnecting: Bool)
}
