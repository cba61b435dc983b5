/// Blood Pressure Measurement, GATT characteristic 0x2A35 (Blood Pressure Service 1.0; GATT Specification
/// Supplement, Blood Pressure Measurement).
///
/// Layout: Flags `uint8` (bit 0: 0 = mmHg, 1 = kPa; bit 1: Time Stamp present; bit 2: Pulse Rate present; bit 3:
/// User ID present; bit 4: Measurement Status present; bits 5–7 reserved and rejected); systolic, diastolic and
/// mean arterial pressure (three SFLOATs); Time Stamp (7-byte ``BluetoothDateTime``); Pulse Rate SFLOAT (bpm);
/// User ID `uint8` (0xFF = unknown user); Measurement Status `uint16` (see ``BloodPressureMeasurementStatus``).
/// Bytes after the last announced field are rejected.
public struct BloodPressureMeasurement: Hashable, Sendable {
    /// The name used in failures.
    public static let formatName = "Blood Pressure Measurement (0x2A35)"

    /// Pressure unit (flags bit 0).
    public enum Unit: Hashable, Sendable {
        /// Millimetres of mercury.
        case mmHg
        /// Kilopascals.
        case kPa
    }

    /// The User ID field.
    public enum User: Hashable, Sendable {
        /// A user index, 0...254, as set up on the device.
        case id(UInt8)
        /// 0xFF: the device does not know who was measured.
        case unknown
    }

    /// Pressure unit of the three pressures.
    public var unit: Unit
    /// Systolic pressure.
    public var systolic: MedFloat16
    /// Diastolic pressure.
    public var diastolic: MedFloat16
    /// Mean arterial pressure; many cuffs send NaN here.
    public var meanArterialPressure: MedFloat16
    /// When the device took the reading, if it says.
    public var timestamp: BluetoothDateTime?
    /// Pulse rate in bpm, when sent.
    public var pulseRate: MedFloat16?
    /// Who was measured, when sent.
    public var user: User?
    /// Measurement status, when sent.
    public var status: BloodPressureMeasurementStatus?

    /// Creates a measurement.
    public init(unit: Unit = .mmHg, systolic: MedFloat16, diastolic: MedFloat16, meanArterialPressure: MedFloat16,
                timestamp: BluetoothDateTime? = nil, pulseRate: MedFloat16? = nil, user: User? = nil,
                status: BloodPressureMeasurementStatus? = nil) {
        self.unit = unit
        self.systolic = systolic
        self.diastolic = diastolic
        self.meanArterialPressure = meanArterialPressure
        self.timestamp = timestamp
        self.pulseRate = pulseRate
        self.user = user
        self.status = status
    }

    /// Decodes a whole characteristic value; trailing bytes are an error.
    public init(decoding bytes: some Sequence<UInt8>) throws(DecodingFailure) {
        var reader = FieldReader(ByteReader(bytes), format: Self.formatName)
        self = try Self.read(&reader)
        try reader.expectEnd()
    }

    /// Decodes one measurement from `reader`, which moves only on success.
    public static func decode(from reader: inout ByteReader) throws(DecodingFailure) -> BloodPressureMeasurement {
        var fields = FieldReader(reader, format: formatName)
        let value = try read(&fields)
        reader = fields.bytes
        return value
    }

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> BloodPressureMeasurement {
        let flags = try reader.flags(defined: 0b0001_1111)
        let systolic = try reader.sfloat("Systolic")
        let diastolic = try reader.sfloat("Diastolic")
        let mean = try reader.sfloat("Mean Arterial Pressure")
        let timestamp = flags & 0x02 != 0 ? try BluetoothDateTime.read(&reader, field: "Time Stamp") : nil
        let pulse = flags & 0x04 != 0 ? try reader.sfloat("Pulse Rate") : nil
        var user: User?
        if flags & 0x08 != 0 {
            let id = try reader.uint8("User ID")
            user = id == 0xFF ? .unknown : .id(id)
        }
        let status = flags & 0x10 != 0 ? try BloodPressureMeasurementStatus.read(&reader) : nil
        return BloodPressureMeasurement(unit: flags & 0x01 == 0 ? .mmHg : .kPa, systolic: systolic,
                                        diastolic: diastolic, meanArterialPressure: mean, timestamp: timestamp,
                                        pulseRate: pulse, user: user, status: status)
    }

    /// Encodes the characteristic value; throws for a timestamp part out of range or `.id(255)` (use `.unknown`).
    public func encoded() throws(EncodingFailure) -> [UInt8] {
        var flags: UInt8 = unit == .kPa ? 0x01 : 0
        if timestamp != nil { flags |= 0x02 }
        if pulseRate != nil { flags |= 0x04 }
        if user != nil { flags |= 0x08 }
        if status != nil { flags |= 0x10 }
        var out: [UInt8] = [flags]
        out.appendUInt16(systolic.rawValue)
        out.appendUInt16(diastolic.rawValue)
        out.appendUInt16(meanArterialPressure.rawValue)
        try timestamp?.encode(into: &out, format: Self.formatName, field: "Time Stamp")
        if let pulseRate { out.appendUInt16(pulseRate.rawValue) }
        switch user {
        case nil: break
        case .unknown: out.append(0xFF)
        case let .id(id):
            guard id != 0xFF else {
                throw EncodingFailure(format: Self.formatName, field: "User ID", reason: .reservedValue(0xFF))
            }
            out.append(id)
        }
        if let status { out.appendUInt16(status.rawValue) }
        return out
    }
}

/// Blood Pressure Measurement Status, the optional `uint16` last field of 0x2A35.
///
/// Bit 0 body movement detected; bit 1 cuff too loose; bit 2 irregular pulse detected; bits 3–4 pulse rate range
/// (0 within range, 1 exceeds upper limit, 2 below lower limit, 3 reserved and rejected); bit 5 improper
/// measurement position; bits 6–15 reserved and rejected.
public struct BloodPressureMeasurementStatus: Hashable, Sendable {
    /// Bits 3–4.
    public enum PulseRateRange: UInt8, Hashable, Sendable {
        /// 0: pulse rate within range.
        case withinRange = 0
        /// 1: pulse rate exceeds the upper limit.
        case exceedsUpperLimit = 1
        /// 2: pulse rate is below the lower limit.
        case belowLowerLimit = 2
    }

    /// Bit 0: body movement detected during measurement.
    public var bodyMovementDetected: Bool
    /// Bit 1: cuff fit too loose.
    public var cuffTooLoose: Bool
    /// Bit 2: irregular pulse detected.
    public var irregularPulseDetected: Bool
    /// Bits 3–4: where the pulse rate lies relative to the device's limits.
    public var pulseRateRange: PulseRateRange
    /// Bit 5: improper measurement position.
    public var improperMeasurementPosition: Bool

    /// Creates a status; every flag defaults to "no problem".
    public init(bodyMovementDetected: Bool = false, cuffTooLoose: Bool = false, irregularPulseDetected: Bool = false,
                pulseRateRange: PulseRateRange = .withinRange, improperMeasurementPosition: Bool = false) {
        self.bodyMovementDetected = bodyMovementDetected
        self.cuffTooLoose = cuffTooLoose
        self.irregularPulseDetected = irregularPulseDetected
        self.pulseRateRange = pulseRateRange
        self.improperMeasurementPosition = improperMeasurementPosition
    }

    /// The 16 bits as sent.
    public var rawValue: UInt16 {
        var bits: UInt16 = 0
        if bodyMovementDetected { bits |= 1 << 0 }
        if cuffTooLoose { bits |= 1 << 1 }
        if irregularPulseDetected { bits |= 1 << 2 }
        bits |= UInt16(pulseRateRange.rawValue) << 3
        if improperMeasurementPosition { bits |= 1 << 5 }
        return bits
    }

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> BloodPressureMeasurementStatus {
        let field = "Measurement Status"
        let raw = try reader.uint16(field)
        let reserved = raw & 0xFFC0
        guard reserved == 0 else { throw reader.failure(field, .reservedBitsSet(mask: UInt32(reserved))) }
        let rangeBits = UInt8(truncatingIfNeeded: (raw >> 3) & 0b11)
        guard let range = PulseRateRange(rawValue: rangeBits) else {
            throw reader.failure("\(field).Pulse Rate Range", .reservedValue(UInt32(rangeBits)))
        }
        return BloodPressureMeasurementStatus(bodyMovementDetected: raw & 0x01 != 0, cuffTooLoose: raw & 0x02 != 0,
                                              irregularPulseDetected: raw & 0x04 != 0, pulseRateRange: range,
                                              improperMeasurementPosition: raw & 0x20 != 0)
    }
}
