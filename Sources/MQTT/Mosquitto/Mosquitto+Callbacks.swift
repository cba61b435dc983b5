internal import CMosquitto
import Logging
#if canImport(Glibc)
import Glibc
#endif

extension Mosquitto {
    /// Routes libmosquitto's callbacks to the client's `ClientCore`. They run on libmosquitto's loop thread while it
    /// holds its callback mutex, so they copy what they need and return; the only libmosquitto call they make is
    /// re-subscribing, with the pointer they are given.
    static func installCallbacks(on pointer: OpaquePointer) {
        mosquitto_connect_v5_callback_set(pointer) { mosquitto, userdata, code, flags, _ in
            guard let core = ClientCore.from(userdata) else { return }
            let reason =
                core.protocolVersion == .v5
                ? MQTTReasonCode(rawValue: UInt8(truncatingIfNeeded: code))
                : MQTTReasonCode.fromMQTT311ConnectReturnCode(code)
            guard reason == .success else {
                core.connectionRefused(reason)
                return
            }
            let resubscribe = core.connectionAccepted(sessionPresent: flags & 1 == 1)
            guard let mosquitto, !resubscribe.isEmpty else { return }
            for qos in QoS.allCases {
                let filters = resubscribe.filter { $0.qos == qos }.map(\.filter)
                guard !filters.isEmpty else { continue }
                let sent = Mosquitto.subscribe(on: mosquitto, filters, qos: qos)
                if sent.code == MOSQ_ERR_SUCCESS.rawValue {
                    core.ignoreAcknowledgement(of: sent.messageID)
                } else {
                    core.logger.error(
                        "MQTT re-subscription failed",
                        metadata: ["mqtt.filters": "\(filters)", "mqtt.error": "\(MosquittoError(code: sent.code, errno: sent.errno))"]
                    )
                }
            }
        }
        mosquitto_disconnect_v5_callback_set(pointer) { _, userdata, code, _ in
            let systemError = errno
            ClientCore.from(userdata)?.connectionClosed(code: code, errno: systemError)
        }
        mosquitto_publish_v5_callback_set(pointer) { _, userdata, messageID, reason, _ in
            ClientCore.from(userdata)?.acknowledged(messageID, .published(MQTTReasonCode(rawValue: UInt8(truncatingIfNeeded: reason))))
        }
        mosquitto_subscribe_v5_callback_set(pointer) { _, userdata, messageID, count, granted, _ in
            let codes = (0..<Int(max(0, count))).map { index in
                MQTTReasonCode(rawValue: UInt8(truncatingIfNeeded: granted?[index] ?? 0x80))
            }
            ClientCore.from(userdata)?.acknowledged(messageID, .subscribed(codes))
        }
        mosquitto_unsubscribe_v5_callback_set(pointer) { _, userdata, messageID, _ in
            ClientCore.from(userdata)?.acknowledged(messageID, .unsubscribed)
        }
        mosquitto_message_v5_callback_set(pointer) { _, userdata, received, _ in
            guard let core = ClientCore.from(userdata), let received else { return }
            let message = received.pointee
            let payload =
                message.payloadlen > 0 && message.payload != nil
                ? Array(UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen)))
                : []
            core.deliver(
                MQTTMessage(
                    topic: message.topic.map { String(cString: $0) } ?? "",
                    payload: payload,
                    qos: QoS(rawValue: Int(message.qos)) ?? .atMostOnce,
                    retain: message.retain
                )
            )
        }
        mosquitto_log_callback_set(pointer) { _, userdata, level, text in
            guard let core = ClientCore.from(userdata), let text else { return }
            let logLevel: Logger.Level =
                switch level {
                case MOSQ_LOG_ERR: .error
                case MOSQ_LOG_WARNING: .warning
                case MOSQ_LOG_NOTICE: .notice
                case MOSQ_LOG_INFO: .info
                default: .trace
                }
            guard core.logger.logLevel <= logLevel else { return }
            core.logger.log(level: logLevel, "libmosquitto: \(String(cString: text))")
        }
    }
}
