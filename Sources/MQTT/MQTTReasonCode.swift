internal import CMosquitto

/// An MQTT 5 reason code (MQTT 5.0, section 2.4), as sent in CONNACK, PUBACK, SUBACK and DISCONNECT.
///
/// Values below 0x80 report success; 0x80 and above report failure. MQTT 3.1.1 CONNACK return codes are mapped
/// to their MQTT 5 equivalents, so callers check one set of codes whichever protocol version is in use.
public struct MQTTReasonCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The code as on the wire.
    public let rawValue: UInt8

    /// Wraps a code as received.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// True for 0x80 and above.
    public var isFailure: Bool { rawValue >= 0x80 }

    /// libmosquitto's text for the code (`mosquitto_reason_string`), with the code in hex.
    public var description: String {
        let text = mosquitto_reason_string(Int32(rawValue)).map { String(cString: $0) } ?? "unknown reason code"
        return "\(text) (0x\(String(rawValue, radix: 16, uppercase: true)))"
    }

    /// 0x00: success, normal disconnection, or granted QoS 0.
    public static let success = MQTTReasonCode(rawValue: 0x00)
    /// 0x10: a publish was accepted but nobody subscribes to its topic.
    public static let noMatchingSubscribers = MQTTReasonCode(rawValue: 0x10)
    /// 0x80: failure the broker does not explain.
    public static let unspecifiedError = MQTTReasonCode(rawValue: 0x80)
    /// 0x84: the broker does not speak the requested protocol version.
    public static let unsupportedProtocolVersion = MQTTReasonCode(rawValue: 0x84)
    /// 0x85: the client identifier is not allowed.
    public static let clientIdentifierNotValid = MQTTReasonCode(rawValue: 0x85)
    /// 0x86: wrong user name or password.
    public static let badUserNameOrPassword = MQTTReasonCode(rawValue: 0x86)
    /// 0x87: the client is not allowed to do this (connect, publish to the topic, subscribe to the filter).
    public static let notAuthorized = MQTTReasonCode(rawValue: 0x87)
    /// 0x88: the broker is unavailable.
    public static let serverUnavailable = MQTTReasonCode(rawValue: 0x88)
    /// 0x8B: the broker is shutting down.
    public static let serverShuttingDown = MQTTReasonCode(rawValue: 0x8B)
    /// 0x8E: another connection with the same client identifier took the session over.
    public static let sessionTakenOver = MQTTReasonCode(rawValue: 0x8E)
    /// 0x8F: the topic filter is malformed or not accepted.
    public static let topicFilterInvalid = MQTTReasonCode(rawValue: 0x8F)
    /// 0x98: an administrator disconnected the client.
    public static let administrativeAction = MQTTReasonCode(rawValue: 0x98)

    /// Maps an MQTT 3.1.1 CONNACK return code (1...5) to its MQTT 5 reason code.
    static func fromMQTT311ConnectReturnCode(_ code: Int32) -> MQTTReasonCode {
        switch code {
        case 0: .success
        case 1: .unsupportedProtocolVersion
        case 2: .clientIdentifierNotValid
        case 3: .serverUnavailable
        case 4: .badUserNameOrPassword
        case 5: .notAuthorized
        default: .unspecifiedError
        }
    }
}
