#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DeviceProtocols
import DeviceReadings
import Telemetry
import Vitals

/// The agent's configuration file (JSON): which gateway it is, how it reaches the broker, where its outbox lives,
/// and which devices it reads.
///
/// ```json
/// {"gateway": "gw-0001",
///  "broker": {"host": "127.0.0.1", "port": 1883, "username": "gw-0001", "passwordFile": "/etc/silverwatch/gw-0001.password",
///             "tls": {"caFile": "/etc/silverwatch/ca.pem"}},
///  "outbox": {"path": "/var/lib/silverwatch-agent/outbox.sqlite", "capacity": 500000, "resendAfterSeconds": 30},
///  "statusIntervalSeconds": 60, "deviceUTCOffsetMinutes": 60,
///  "devices": [
///    {"id": "oxi-7", "model": "cms50", "channels": [{"format": "cms50", "serial": "/dev/ttyUSB0"}]},
///    {"id": "hr-1", "model": "polar-h10", "channels": [{"format": "heart-rate", "socket": "/run/silverwatch/hr-1.sock"},
///                                                    {"format": "battery", "socket": "/run/silverwatch/hr-1-battery.sock"}]},
///    {"id": "acc-1", "channels": [{"format": "accelerometer", "socket": "/run/silverwatch/acc-1.sock", "fullScaleG": 8, "sampleRate": 50}]}]}
/// ```
public struct AgentConfiguration: Sendable, Hashable, Codable {
    /// How to reach the broker.
    public struct Broker: Sendable, Hashable, Codable {
        public var host: String
        public var port: Int
        /// The MQTT username; the gateway id when absent (the broker's ACL keys on it).
        public var username: String?
        /// A file holding the MQTT password (kept out of the configuration, readable by the agent only).
        public var passwordFile: String?
        public var tls: TLS?
        /// MQTT keepalive in seconds.
        public var keepAliveSeconds: Int?
    }

    /// TLS to the broker: the CA to trust and, for client certificates, the agent's certificate and key.
    public struct TLS: Sendable, Hashable, Codable {
        public var caFile: String
        public var certificateFile: String?
        public var keyFile: String?
    }

    /// Where the durable outbox lives and how much it may hold.
    public struct OutboxSettings: Sendable, Hashable, Codable {
        public var path: String
        public var capacity: Int?
        public var resendAfterSeconds: Int?
    }

    /// One device: an identifier the hub knows it by, and the channels it is read through.
    public struct Device: Sendable, Hashable, Codable {
        public var id: String
        /// Free text shown to technicians (`cms50`, `polar-h10`).
        public var model: String?
        public var channels: [Channel]
    }

    /// One stream of messages from a device: a serial port or a notification socket, in one format.
    public struct Channel: Sendable, Hashable, Codable {
        public var format: ChannelFormat
        /// A serial port path (CMS50).
        public var serial: String?
        /// Serial speed; 19200 when absent.
        public var baudRate: Int?
        /// A SOCK_SEQPACKET notification socket path (GATT characteristics, accelerometer).
        public var socket: String?
        /// Accelerometer full-scale range in g (2, 4, 8 or 16); 8 when absent.
        public var fullScaleG: Int?
        /// Accelerometer samples per second; 50 when absent.
        public var sampleRate: Double?
    }

    public var gateway: String
    public var broker: Broker
    public var outbox: OutboxSettings
    public var devices: [Device]
    /// How often the gateway and device statuses are published besides on change; 60 s when absent.
    public var statusIntervalSeconds: Int?
    /// The devices' clocks' offset from UTC in minutes (GATT time stamps carry no time zone); 0 when absent.
    public var deviceUTCOffsetMinutes: Int?

    /// Reads and validates a configuration file's bytes, naming the field of the first problem.
    public static func load(json bytes: [UInt8]) throws(PayloadError) -> AgentConfiguration {
        let configuration = try PayloadCodec.decode(AgentConfiguration.self, from: bytes)
        try configuration.validate()
        return configuration
    }

    func validate() throws(PayloadError) {
        try TopicTree.validate(gateway, field: "gateway")
        guard !broker.host.isEmpty else { throw PayloadError(field: "broker.host", reason: "is empty") }
        guard (1...65_535).contains(broker.port) else { throw PayloadError(field: "broker.port", reason: "\(broker.port) is not a TCP port") }
        if let keepAlive = broker.keepAliveSeconds, !(5...3600).contains(keepAlive) {
            throw PayloadError(field: "broker.keepAliveSeconds", reason: "must be 5–3600")
        }
        guard !outbox.path.isEmpty else { throw PayloadError(field: "outbox.path", reason: "is empty") }
        if let capacity = outbox.capacity, capacity < 1000 { throw PayloadError(field: "outbox.capacity", reason: "must be at least 1000") }
        if let interval = statusIntervalSeconds, !(5...3600).contains(interval) {
            throw PayloadError(field: "statusIntervalSeconds", reason: "must be 5–3600")
        }
        if let offset = deviceUTCOffsetMinutes, !(-14 * 60...14 * 60).contains(offset) {
            throw PayloadError(field: "deviceUTCOffsetMinutes", reason: "must be within ±14 h")
        }
        guard !devices.isEmpty else { throw PayloadError(field: "devices", reason: "names no device") }
        var seen: Set<String> = []
        for (index, device) in devices.enumerated() {
            let path = "devices[\(index)]"
            try TopicTree.validate(device.id, field: "\(path).id")
            guard seen.insert(device.id).inserted else { throw PayloadError(field: "\(path).id", reason: "\"\(device.id)\" appears twice") }
            guard !device.channels.isEmpty else { throw PayloadError(field: "\(path).channels", reason: "is empty") }
            for (channelIndex, channel) in device.channels.enumerated() {
                try channel.validate(path: "\(path).channels[\(channelIndex)]")
            }
        }
    }

    /// The device clock policy this configuration implies.
    public var measurementClock: MeasurementClock {
        MeasurementClock(deviceUTCOffset: .seconds(Int64(deviceUTCOffsetMinutes ?? 0) * 60))
    }
}

extension AgentConfiguration.Channel {
    /// Where this channel's bytes come from.
    public var connection: DeviceConnection? {
        if let serial { return .serial(path: serial, settings: SerialPortSettings(baudRate: baudRate ?? 19_200)) }
        if let socket { return .notificationSocket(path: socket) }
        return nil
    }

    /// The accelerometer's full-scale range.
    public var accelerometerFullScale: AccelerometerFullScale { AccelerometerFullScale(rawValue: fullScaleG ?? 8) ?? .g8 }

    func validate(path: String) throws(PayloadError) {
        switch (serial, socket) {
        case (nil, nil): throw PayloadError(field: path, reason: "needs \"serial\" or \"socket\"")
        case (.some, .some): throw PayloadError(field: path, reason: "has both \"serial\" and \"socket\"")
        default: break
        }
        if format == .cms50, serial == nil { throw PayloadError(field: "\(path).serial", reason: "a cms50 is read from a serial port") }
        if format != .cms50, serial != nil { throw PayloadError(field: "\(path).socket", reason: "a \(format.rawValue) channel is read from a notification socket") }
        if let baudRate, SerialPortSettings(baudRate: baudRate).speed == nil {
            throw PayloadError(field: "\(path).baudRate", reason: "\(baudRate) is not a standard serial speed")
        }
        if let fullScaleG, AccelerometerFullScale(rawValue: fullScaleG) == nil {
            throw PayloadError(field: "\(path).fullScaleG", reason: "must be 2, 4, 8 or 16")
        }
        if let sampleRate, !(sampleRate.isFinite && sampleRate > 0 && sampleRate <= 1000) {
            throw PayloadError(field: "\(path).sampleRate", reason: "must be more than 0 and at most 1000")
        }
    }
}
