/// PLX Measurement Status, a `uint16` field of the PLX Spot-check (0x2A5E) and PLX Continuous (0x2A5F)
/// Measurements (Pulse Oximeter Service 1.0.1; GATT Specification Supplement).
///
/// Bits 0–4 are reserved for future use; a decoder rejects them and so does an encoder.
public struct PLXMeasurementStatus: OptionSet, Hashable, Sendable {
    /// The bits as sent.
    public let rawValue: UInt16

    /// Wraps bits; any bit in ``reservedMask`` makes encoding fail.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Bits 0–4, reserved for future use.
    public static let reservedMask: UInt16 = 0x001F

    /// Bit 5: a measurement is ongoing.
    public static let measurementOngoing = Self(rawValue: 1 << 5)
    /// Bit 6: early estimated data.
    public static let earlyEstimatedData = Self(rawValue: 1 << 6)
    /// Bit 7: validated data.
    public static let validatedData = Self(rawValue: 1 << 7)
    /// Bit 8: fully qualified data.
    public static let fullyQualifiedData = Self(rawValue: 1 << 8)
    /// Bit 9: data from measurement storage.
    public static let dataFromMeasurementStorage = Self(rawValue: 1 << 9)
    /// Bit 10: data for demonstration.
    public static let dataForDemonstration = Self(rawValue: 1 << 10)
    /// Bit 11: data for testing.
    public static let dataForTesting = Self(rawValue: 1 << 11)
    /// Bit 12: calibration ongoing.
    public static let calibrationOngoing = Self(rawValue: 1 << 12)
    /// Bit 13: measurement unavailable.
    public static let measurementUnavailable = Self(rawValue: 1 << 13)
    /// Bit 14: questionable measurement detected.
    public static let questionableMeasurementDetected = Self(rawValue: 1 << 14)
    /// Bit 15: invalid measurement detected.
    public static let invalidMeasurementDetected = Self(rawValue: 1 << 15)

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> PLXMeasurementStatus {
        let raw = try reader.uint16("Measurement Status")
        guard raw & reservedMask == 0 else {
            throw reader.failure("Measurement Status", .reservedBitsSet(mask: UInt32(raw & reservedMask)))
        }
        return PLXMeasurementStatus(rawValue: raw)
    }

    func encode(into out: inout [UInt8], format: String) throws(EncodingFailure) {
        guard rawValue & Self.reservedMask == 0 else {
            throw EncodingFailure(format: format, field: "Measurement Status",
                                  reason: .reservedBitsSet(mask: UInt32(rawValue & Self.reservedMask)))
        }
        out.appendUInt16(rawValue)
    }
}

/// PLX Device and Sensor Status, a 24-bit field of the PLX Spot-check (0x2A5E) and PLX Continuous (0x2A5F)
/// Measurements (Pulse Oximeter Service 1.0.1; GATT Specification Supplement), held in the low 24 bits of a `UInt32`.
///
/// Bits 16–23 are reserved for future use; a decoder rejects them and so does an encoder, as it does any bit
/// above 23.
public struct PLXDeviceAndSensorStatus: OptionSet, Hashable, Sendable {
    /// The bits as sent, in the low 24 bits.
    public let rawValue: UInt32

    /// Wraps bits; any bit in ``reservedMask`` makes encoding fail.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Bits 16–31: 16–23 are reserved on the wire, 24–31 do not exist there.
    public static let reservedMask: UInt32 = 0xFFFF_0000

    /// Bit 0: extended display update ongoing.
    public static let extendedDisplayUpdateOngoing = Self(rawValue: 1 << 0)
    /// Bit 1: equipment malfunction detected.
    public static let equipmentMalfunctionDetected = Self(rawValue: 1 << 1)
    /// Bit 2: signal processing irregularity detected.
    public static let signalProcessingIrregularityDetected = Self(rawValue: 1 << 2)
    /// Bit 3: inadequate signal detected.
    public static let inadequateSignalDetected = Self(rawValue: 1 << 3)
    /// Bit 4: poor signal detected.
    public static let poorSignalDetected = Self(rawValue: 1 << 4)
    /// Bit 5: low perfusion detected.
    public static let lowPerfusionDetected = Self(rawValue: 1 << 5)
    /// Bit 6: erratic signal detected.
    public static let erraticSignalDetected = Self(rawValue: 1 << 6)
    /// Bit 7: nonpulsatile signal detected.
    public static let nonpulsatileSignalDetected = Self(rawValue: 1 << 7)
    /// Bit 8: questionable pulse detected.
    public static let questionablePulseDetected = Self(rawValue: 1 << 8)
    /// Bit 9: signal analysis ongoing.
    public static let signalAnalysisOngoing = Self(rawValue: 1 << 9)
    /// Bit 10: sensor interference detected.
    public static let sensorInterferenceDetected = Self(rawValue: 1 << 10)
    /// Bit 11: sensor unconnected to user.
    public static let sensorUnconnectedToUser = Self(rawValue: 1 << 11)
    /// Bit 12: unknown sensor connected.
    public static let unknownSensorConnected = Self(rawValue: 1 << 12)
    /// Bit 13: sensor displaced.
    public static let sensorDisplaced = Self(rawValue: 1 << 13)
    /// Bit 14: sensor malfunctioning.
    public static let sensorMalfunctioning = Self(rawValue: 1 << 14)
    /// Bit 15: sensor disconnected.
    public static let sensorDisconnected = Self(rawValue: 1 << 15)

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> PLXDeviceAndSensorStatus {
        let raw = try reader.uint24("Device and Sensor Status")
        guard raw & reservedMask == 0 else {
            throw reader.failure("Device and Sensor Status", .reservedBitsSet(mask: raw & reservedMask))
        }
        return PLXDeviceAndSensorStatus(rawValue: raw)
    }

    func encode(into out: inout [UInt8], format: String) throws(EncodingFailure) {
        guard rawValue & Self.reservedMask == 0 else {
            throw EncodingFailure(format: format, field: "Device and Sensor Status",
                                  reason: .reservedBitsSet(mask: rawValue & Self.reservedMask))
        }
        out.appendUInt24(rawValue)
    }
}

/// One SpO2 and pulse-rate pair ("SpO2PR" in the Pulse Oximeter Service), both IEEE 11073 SFLOAT.
public struct PLXReading: Hashable, Sendable {
    /// Oxygen saturation in percent; special values (NaN etc.) mean no valid reading.
    public var oxygenSaturation: MedFloat16
    /// Pulse rate in beats per minute; special values mean no valid reading.
    public var pulseRate: MedFloat16

    /// Creates a pair.
    public init(oxygenSaturation: MedFloat16, pulseRate: MedFloat16) {
        self.oxygenSaturation = oxygenSaturation
        self.pulseRate = pulseRate
    }

    static func read(_ reader: inout FieldReader, field: String) throws(DecodingFailure) -> PLXReading {
        PLXReading(oxygenSaturation: try reader.sfloat("\(field).SpO2"),
                   pulseRate: try reader.sfloat("\(field).PR"))
    }

    func encode(into out: inout [UInt8]) {
        out.appendUInt16(oxygenSaturation.rawValue)
        out.appendUInt16(pulseRate.rawValue)
    }
}
