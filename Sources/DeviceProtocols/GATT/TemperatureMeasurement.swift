/// Temperature Measurement, GATT characteristic 0x2A1C (Health Thermometer Service 1.0; GATT Specification
/// Supplement, Temperature Measurement).
///
/// Layout: Flags `uint8` (bit 0: 0 = Celsius, 1 = Fahrenheit; bit 1: Time Stamp present; bit 2: Temperature Type
/// present; bits 3–7 reserved and rejected); Temperature Measurement Value as an IEEE 11073 32-bit FLOAT; Time
/// Stamp (7-byte ``BluetoothDateTime``); Temperature Type `uint8` (see ``TemperatureType``).
/// Bytes after the last announced field are rejected (``DecodingFailure/Reason/trailingBytes(count:)``): a
/// reading whose flags disagree with its length is not one to trust.
public struct TemperatureMeasurement: Hashable, Sendable {
    /// The name used in failures.
    public static let formatName = "Temperature Measurement (0x2A1C)"

    /// Temperature unit (flags bit 0).
    public enum Unit: Hashable, Sendable {
        /// Degrees Celsius.
        case celsius
        /// Degrees Fahrenheit.
        case fahrenheit
    }

    /// The temperature, exactly as sent; special values (NaN etc.) mean the device has no reading.
    public var value: MedFloat32
    /// The unit of ``value``.
    public var unit: Unit
    /// When the device took the reading, if it says.
    public var timestamp: BluetoothDateTime?
    /// Where on the body the reading was taken, if the device says.
    public var temperatureType: TemperatureType?

    /// Creates a measurement.
    public init(value: MedFloat32, unit: Unit = .celsius, timestamp: BluetoothDateTime? = nil,
                temperatureType: TemperatureType? = nil) {
        self.value = value
        self.unit = unit
        self.timestamp = timestamp
        self.temperatureType = temperatureType
    }

    /// Decodes a whole characteristic value; trailing bytes are an error.
    public init(decoding bytes: some Sequence<UInt8>) throws(DecodingFailure) {
        var reader = FieldReader(ByteReader(bytes), format: Self.formatName)
        self = try Self.read(&reader)
        try reader.expectEnd()
    }

    /// Decodes one measurement from `reader`, which moves only on success.
    public static func decode(from reader: inout ByteReader) throws(DecodingFailure) -> TemperatureMeasurement {
        var fields = FieldReader(reader, format: formatName)
        let value = try read(&fields)
        reader = fields.bytes
        return value
    }

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> TemperatureMeasurement {
        let flags = try reader.flags(defined: 0b0000_0111)
        let value = try reader.float("Temperature Measurement Value")
        let timestamp = flags & 0x02 != 0 ? try BluetoothDateTime.read(&reader, field: "Time Stamp") : nil
        var type: TemperatureType?
        if flags & 0x04 != 0 {
            type = try TemperatureType.read(&reader)
        }
        return TemperatureMeasurement(value: value, unit: flags & 0x01 == 0 ? .celsius : .fahrenheit,
                                      timestamp: timestamp, temperatureType: type)
    }

    /// Encodes the characteristic value; throws when the time stamp has a part out of range.
    public func encoded() throws(EncodingFailure) -> [UInt8] {
        var flags: UInt8 = unit == .fahrenheit ? 0x01 : 0
        if timestamp != nil { flags |= 0x02 }
        if temperatureType != nil { flags |= 0x04 }
        var out: [UInt8] = [flags]
        out.appendUInt32(value.rawValue)
        try timestamp?.encode(into: &out, format: Self.formatName, field: "Time Stamp")
        if let temperatureType { out.append(temperatureType.rawValue) }
        return out
    }
}

/// Temperature Type, GATT characteristic 0x2A1D and the optional last field of 0x2A1C: where the temperature was
/// measured. 0 and 10...255 are reserved for future use and rejected.
public enum TemperatureType: UInt8, Hashable, Sendable, CaseIterable {
    /// Armpit.
    case armpit = 1
    /// Body (general).
    case body = 2
    /// Ear (usually earlobe).
    case ear = 3
    /// Finger.
    case finger = 4
    /// Gastrointestinal tract.
    case gastrointestinalTract = 5
    /// Mouth.
    case mouth = 6
    /// Rectum.
    case rectum = 7
    /// Toe.
    case toe = 8
    /// Tympanum (ear drum).
    case tympanum = 9

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> TemperatureType {
        let raw = try reader.uint8("Temperature Type")
        guard let type = TemperatureType(rawValue: raw) else {
            throw reader.failure("Temperature Type", .reservedValue(UInt32(raw)))
        }
        return type
    }
}
