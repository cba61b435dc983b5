import DeviceProtocols

/// One thing a simulated device does at one instant: send a value in its wire format, or power off.
public struct DeviceMessage: Sendable, Hashable {
    /// What the device sends.
    public enum Payload: Sendable, Hashable {
        /// A CMS50 live-data frame (5 bytes on the serial line).
        case cms50(CMS50LiveSample)
        /// A PLX Continuous Measurement (0x2A5F).
        case plxContinuous(PLXContinuousMeasurement)
        /// A Heart Rate Measurement (0x2A37).
        case heartRate(HeartRateMeasurement)
        /// A packet of accelerometer samples at ±8 g.
        case accelerometer(AccelerometerPacket)
        /// A Battery Level (0x2A19).
        case battery(BatteryLevel)
        /// A Temperature Measurement (0x2A1C).
        case temperature(TemperatureMeasurement)
        /// A Blood Pressure Measurement (0x2A35).
        case bloodPressure(BloodPressureMeasurement)
        /// The device switches off: it sends nothing more and closes its connection.
        case powerOff
    }

    /// The endpoint that sends it.
    public var device: SimulatedDevice
    /// When, in wall time since the simulation started.
    public var at: Duration
    /// What it sends.
    public var payload: Payload

    /// A message as given.
    public init(device: SimulatedDevice, at: Duration, payload: Payload) {
        self.device = device
        self.at = at
        self.payload = payload
    }
}

extension DeviceMessage.Payload {
    /// The bytes on the wire (one GATT value, or one 5-byte serial frame); `nil` for ``powerOff``.
    ///
    /// Scenarios only build values their formats can carry, so a failure here is a bug in a scenario.
    public func encoded() throws(EncodingFailure) -> [UInt8]? {
        switch self {
        case .cms50(let sample): try sample.encoded()
        case .plxContinuous(let measurement): try measurement.encoded()
        case .heartRate(let measurement): try measurement.encoded()
        case .accelerometer(let packet): try packet.encoded()
        case .battery(let level): try level.encoded()
        case .temperature(let measurement): try measurement.encoded()
        case .bloodPressure(let measurement): try measurement.encoded()
        case .powerOff: nil
        }
    }
}
