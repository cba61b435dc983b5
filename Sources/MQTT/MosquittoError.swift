internal import CMosquitto
#if canImport(Glibc)
import Glibc
#endif

/// A libmosquitto error code (`MOSQ_ERR_*`), with libmosquitto's own text (`mosquitto_strerror`).
public enum MosquittoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `MOSQ_ERR_NOMEM`.
    case outOfMemory
    /// `MOSQ_ERR_PROTOCOL`: the peer broke the protocol, or an MQTT 5 CONNACK refused the connection.
    case protocolError
    /// `MOSQ_ERR_INVAL`: an argument was rejected (a topic with wildcards, a filter with a bad `#`, a bad port).
    case invalidArgument
    /// `MOSQ_ERR_NO_CONN`: not connected to a broker.
    case notConnected
    /// `MOSQ_ERR_CONN_REFUSED`: the broker refused the connection (MQTT 3.1.1).
    case connectionRefused
    /// `MOSQ_ERR_NOT_FOUND`.
    case notFound
    /// `MOSQ_ERR_CONN_LOST`: the connection to the broker was lost.
    case connectionLost
    /// `MOSQ_ERR_TLS`: a TLS error, such as an unreadable CA, certificate or key file.
    case tls
    /// `MOSQ_ERR_PAYLOAD_SIZE`: the payload is larger than MQTT allows.
    case payloadTooLarge
    /// `MOSQ_ERR_NOT_SUPPORTED`.
    case notSupported
    /// `MOSQ_ERR_AUTH`.
    case authentication
    /// `MOSQ_ERR_ACL_DENIED`.
    case accessDenied
    /// `MOSQ_ERR_UNKNOWN`.
    case unknown
    /// `MOSQ_ERR_ERRNO`: a system call failed with this `errno` (connection refused, host unreachable, …).
    case system(errno: Int32)
    /// `MOSQ_ERR_EAI`: the broker's host name could not be resolved.
    case addressLookup
    /// `MOSQ_ERR_MALFORMED_UTF8`: a topic or string is not valid UTF-8.
    case malformedUTF8
    /// `MOSQ_ERR_KEEPALIVE`: the broker did not answer within the keepalive interval.
    case keepAliveTimeout
    /// `MOSQ_ERR_MALFORMED_PACKET`.
    case malformedPacket
    /// `MOSQ_ERR_TLS_HANDSHAKE`.
    case tlsHandshake
    /// `MOSQ_ERR_QOS_NOT_SUPPORTED`: the broker's maximum QoS is lower than requested.
    case qosNotSupported
    /// `MOSQ_ERR_OVERSIZE_PACKET`: larger than the broker's maximum packet size.
    case oversizePacket
    /// `MOSQ_ERR_TIMEOUT`.
    case timeout
    /// `MOSQ_ERR_ADMINISTRATIVE_ACTION`.
    case administrativeAction
    /// Any other `MOSQ_ERR_*` code.
    case other(code: Int32)

    /// Maps a libmosquitto return code; `errno` is read by the caller right after the failing call.
    init(code: Int32, errno: Int32) {
        switch code {
        case MOSQ_ERR_NOMEM.rawValue: self = .outOfMemory
        case MOSQ_ERR_PROTOCOL.rawValue: self = .protocolError
        case MOSQ_ERR_INVAL.rawValue: self = .invalidArgument
        case MOSQ_ERR_NO_CONN.rawValue: self = .notConnected
        case MOSQ_ERR_CONN_REFUSED.rawValue: self = .connectionRefused
        case MOSQ_ERR_NOT_FOUND.rawValue: self = .notFound
        case MOSQ_ERR_CONN_LOST.rawValue: self = .connectionLost
        case MOSQ_ERR_TLS.rawValue: self = .tls
        case MOSQ_ERR_PAYLOAD_SIZE.rawValue: self = .payloadTooLarge
        case MOSQ_ERR_NOT_SUPPORTED.rawValue: self = .notSupported
        case MOSQ_ERR_AUTH.rawValue: self = .authentication
        case MOSQ_ERR_ACL_DENIED.rawValue: self = .accessDenied
        case MOSQ_ERR_UNKNOWN.rawValue: self = .unknown
        case MOSQ_ERR_ERRNO.rawValue: self = .system(errno: errno)
        case MOSQ_ERR_EAI.rawValue: self = .addressLookup
        case MOSQ_ERR_MALFORMED_UTF8.rawValue: self = .malformedUTF8
        case MOSQ_ERR_KEEPALIVE.rawValue: self = .keepAliveTimeout
        case MOSQ_ERR_MALFORMED_PACKET.rawValue: self = .malformedPacket
        case MOSQ_ERR_TLS_HANDSHAKE.rawValue: self = .tlsHandshake
        case MOSQ_ERR_QOS_NOT_SUPPORTED.rawValue: self = .qosNotSupported
        case MOSQ_ERR_OVERSIZE_PACKET.rawValue: self = .oversizePacket
        case MOSQ_ERR_TIMEOUT.rawValue: self = .timeout
        case MOSQ_ERR_ADMINISTRATIVE_ACTION.rawValue: self = .administrativeAction
        default: self = .other(code: code)
        }
    }

    /// The `MOSQ_ERR_*` value.
    public var code: Int32 {
        switch self {
        case .outOfMemory: MOSQ_ERR_NOMEM.rawValue
        case .protocolError: MOSQ_ERR_PROTOCOL.rawValue
        case .invalidArgument: MOSQ_ERR_INVAL.rawValue
        case .notConnected: MOSQ_ERR_NO_CONN.rawValue
        case .connectionRefused: MOSQ_ERR_CONN_REFUSED.rawValue
        case .notFound: MOSQ_ERR_NOT_FOUND.rawValue
        case .connectionLost: MOSQ_ERR_CONN_LOST.rawValue
        case .tls: MOSQ_ERR_TLS.rawValue
        case .payloadTooLarge: MOSQ_ERR_PAYLOAD_SIZE.rawValue
        case .notSupported: MOSQ_ERR_NOT_SUPPORTED.rawValue
        case .authentication: MOSQ_ERR_AUTH.rawValue
        case .accessDenied: MOSQ_ERR_ACL_DENIED.rawValue
        case .unknown: MOSQ_ERR_UNKNOWN.rawValue
        case .system: MOSQ_ERR_ERRNO.rawValue
        case .addressLookup: MOSQ_ERR_EAI.rawValue
        case .malformedUTF8: MOSQ_ERR_MALFORMED_UTF8.rawValue
        case .keepAliveTimeout: MOSQ_ERR_KEEPALIVE.rawValue
        case .malformedPacket: MOSQ_ERR_MALFORMED_PACKET.rawValue
        case .tlsHandshake: MOSQ_ERR_TLS_HANDSHAKE.rawValue
        case .qosNotSupported: MOSQ_ERR_QOS_NOT_SUPPORTED.rawValue
        case .oversizePacket: MOSQ_ERR_OVERSIZE_PACKET.rawValue
        case .timeout: MOSQ_ERR_TIMEOUT.rawValue
        case .administrativeAction: MOSQ_ERR_ADMINISTRATIVE_ACTION.rawValue
        case .other(let code): code
        }
    }

    /// `mosquitto_strerror`'s text, or `strerror` for a system error (libmosquitto's own text for
    /// `MOSQ_ERR_ERRNO` reads whatever `errno` holds when it is called, which is too late to be right).
    public var description: String {
        if case .system(let errno) = self {
            return String(cString: strerror(errno)) + " (errno \(errno))"
        }
        let text = mosquitto_strerror(code).map { String(cString: $0) } ?? "unknown error"
        return "\(text) (MOSQ_ERR \(code))"
    }

    /// Whether libmosquitto's loop thread gives up for good after `mosquitto_loop` returns this code, instead of
    /// reconnecting (the list of "fatal errors" in `mosquitto_loop_forever`, libmosquitto 2.0).
    static func stopsLoopThread(_ code: Int32) -> Bool {
        switch code {
        case MOSQ_ERR_NOMEM.rawValue, MOSQ_ERR_PROTOCOL.rawValue, MOSQ_ERR_INVAL.rawValue,
            MOSQ_ERR_NOT_FOUND.rawValue, MOSQ_ERR_TLS.rawValue, MOSQ_ERR_PAYLOAD_SIZE.rawValue,
            MOSQ_ERR_NOT_SUPPORTED.rawValue, MOSQ_ERR_AUTH.rawValue, MOSQ_ERR_ACL_DENIED.rawValue,
            MOSQ_ERR_UNKNOWN.rawValue, MOSQ_ERR_EAI.rawValue, MOSQ_ERR_PROXY.rawValue:
            true
        default:
            false
        }
    }
}
