/// One emulated device endpoint: a serial port or one GATT characteristic's notification socket.
///
/// The chest strap is one physical device with three characteristics (heart rate, accelerometer, battery), so it
/// has three endpoints, as BlueZ would hand a client one descriptor per characteristic.
public enum SimulatedDevice: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A Contec CMS50D+/E finger pulse oximeter on a serial line (a pseudo-terminal), 60 live frames a second.
    case serialOximeter = "serial-oximeter"
    /// A Bluetooth pulse oximeter: PLX Continuous Measurement (0x2A5F), once a second.
    case bleOximeter = "ble-oximeter"
    /// The chest strap's Heart Rate Measurement (0x2A37) with RR intervals, once a second.
    case heartRate = "heart-rate"
    /// The chest strap's three-axis accelerometer, ±8 g, 50 samples a second in packets of 25.
    case accelerometer
    /// The chest strap's Battery Level (0x2A19), once a minute of scenario time.
    case strapBattery = "strap-battery"
    /// A Bluetooth thermometer: Temperature Measurement (0x2A1C), once a minute of scenario time.
    case thermometer
    /// A Bluetooth blood-pressure cuff: Blood Pressure Measurement (0x2A35), every 15 minutes of scenario time.
    case bloodPressure = "blood-pressure"

    /// How the agent reaches the device.
    public enum Transport: Sendable, Hashable {
        /// A serial port (here a pseudo-terminal) read raw at 19200 8O1.
        case serial
        /// A Unix `SOCK_SEQPACKET` socket delivering one characteristic value per packet.
        case notificationSocket
    }

    /// How the agent reaches the device.
    public var transport: Transport { self == .serialOximeter ? .serial : .notificationSocket }

    /// The file name in the devices directory: a socket, or for the serial oximeter a symlink to its
    /// pseudo-terminal.
    public var fileName: String { transport == .serial ? "\(rawValue).pty" : "\(rawValue).sock" }

    /// What the bytes are, for the agent's configuration: `cms50`, a GATT UUID (`gatt-2a37`), or
    /// `accelerometer-8g-50hz` (the full scale and rate are not on the wire).
    public var wireFormat: String {
        switch self {
        case .serialOximeter: "cms50"
        case .bleOximeter: "gatt-2a5f"
        case .heartRate: "gatt-2a37"
        case .accelerometer: "accelerometer-8g-50hz"
        case .strapBattery: "gatt-2a19"
        case .thermometer: "gatt-2a1c"
        case .bloodPressure: "gatt-2a35"
        }
    }

    /// Whether this is one of the two oximeters.
    public var isOximeter: Bool { self == .serialOximeter || self == .bleOximeter }

    /// Whether this endpoint belongs to the chest strap (and so shares its battery).
    public var isChestStrap: Bool { self == .heartRate || self == .accelerometer || self == .strapBattery }

    /// Declaration order, which is the order endpoints are listed and messages at the same instant are sent.
    public static func < (lhs: SimulatedDevice, rhs: SimulatedDevice) -> Bool { lhs.order < rhs.order }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
