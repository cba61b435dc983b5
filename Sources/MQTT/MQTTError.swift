/// Why an MQTT operation failed.
public enum MQTTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libmosquitto returned a `MOSQ_ERR_*` code.
    case library(MosquittoError)
    /// The broker refused the connection (CONNACK), for example `.notAuthorized` or `.badUserNameOrPassword`.
    case connectionRefused(MQTTReasonCode)
    /// The broker answered a publish with a failure reason code (MQTT 5 PUBACK of 0x80 or above).
    case publishRejected(topic: String, MQTTReasonCode)
    /// The broker refused a topic filter in its SUBACK.
    case subscriptionRejected(filter: String, MQTTReasonCode)
    /// The broker closed the connection with an MQTT 5 DISCONNECT and this reason code.
    case disconnectedByBroker(MQTTReasonCode)
    /// The connection dropped before the broker acknowledged something libmosquitto does not send again after a
    /// reconnect (a QoS 0 publish, a subscribe, an unsubscribe). Retrying is safe.
    case connectionLost
    /// No CONNACK arrived within the configured connect timeout.
    case connectTimedOut
    /// The client was shut down (its `withConnection` scope ended) before the operation completed.
    case closed
    /// The configuration cannot be used; the text says which field and why.
    case invalidConfiguration(String)

    /// What failed, with libmosquitto's or the broker's reason.
    public var description: String {
        switch self {
        case .library(let error): "libmosquitto: \(error)"
        case .connectionRefused(let code): "connection refused by the broker: \(code)"
        case .publishRejected(let topic, let code): "publish to '\(topic)' rejected by the broker: \(code)"
        case .subscriptionRejected(let filter, let code): "subscription to '\(filter)' rejected by the broker: \(code)"
        case .disconnectedByBroker(let code): "disconnected by the broker: \(code)"
        case .connectionLost: "the connection dropped before the broker acknowledged the operation"
        case .connectTimedOut: "no CONNACK from the broker within the connect timeout"
        case .closed: "the MQTT client has been shut down"
        case .invalidConfiguration(let reason): "invalid MQTT configuration: \(reason)"
        }
    }
}
