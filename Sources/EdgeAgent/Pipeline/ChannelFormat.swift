/// The wire format a device channel speaks, as named in the agent's configuration.
public enum ChannelFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Contec CMS50D+/E live data on a serial port.
    case cms50
    /// GATT Heart Rate Measurement (0x2A37).
    case heartRate = "heart-rate"
    /// GATT Temperature Measurement (0x2A1C).
    case temperature
    /// GATT Blood Pressure Measurement (0x2A35).
    case bloodPressure = "blood-pressure"
    /// GATT PLX Continuous Measurement (0x2A5F).
    case plxContinuous = "plx-continuous"
    /// GATT PLX Spot-check Measurement (0x2A5E).
    case plxSpotCheck = "plx-spot-check"
    /// GATT Battery Level (0x2A19): feeds the device's status, not readings.
    case battery
    /// Three-axis accelerometer packets: activity and fall detection at the edge.
    case accelerometer
}
