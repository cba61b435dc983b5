/// PLX Spot-check Measurement, GATT characteristic 0x2A5E (Pulse Oximeter Service 1.0.1; GATT Specification Supplement).
///
/// Layout: Flags `uint8` (bit 0: Timestamp present; bit 1: Measurement Status present; bit 2: Device and Sensor
/// Status present; bit 3: Pulse Amplitude Index present; bit 4: device clock is not set; bits 5–7 reserved and
/// rejected); SpO2PR-Spot-check (SpO2 and PR, two SFLOATs); Timestamp (7-byte ``BluetoothDateTime``);
/// Measurement Status `uint16`; Device and Sensor Status `uint24`; Pulse Amplitude Index SFLOAT.
/// Bytes after the last announced field are rejected, as for every GATT measurement here.
public struct PLXSpotCheckMeasurement: Hashable, Sendable {
    /// The name used in failures.
    public static let formatName = "PLX Spot-check Measurement (0x2A5E)"

    /// SpO2 (%) and pulse rate (bpm).
    public var reading: PLXReading
    /// When the device took the reading, if it says. When ``deviceClockNotSet`` is `true` this is the device's
    /// unset clock, not wall-clock time.
    public var timestamp: BluetoothDateTime?
    /// Measurement status, when sent.
    public var measurementStatus: PLXMeasurementStatus?
    /// Device and sensor status, when sent.
    public var deviceAndSensorStatus: PLXDeviceAndSensorStatus?
    /// Pulse Amplitude Index in percent, when sent.
    public var pulseAmplitudeIndex: MedFloat16?
    /// Flags bit 4: the device's clock has not been set, so its time stamps are not wall-clock time.
    public var deviceClockNotSet: Bool

    /// Creates a measurement.
    public init(reading: PLXReading, timestamp: BluetoothDateTime? = nil, measurementStatus: PLXMeasurementStatus? = nil,
                deviceAndSensorStatus: PLXDeviceAndSensorStatus? = nil, pulseAmplitudeIndex: MedFloat16? = nil,
                deviceClockNotSet: Bool = false) {
        self.reading = reading
        self.timestamp = timestamp
        self.measurementStatus = measurementStatus
        self.deviceAndSensorStatus = deviceAndSensorStatus
        self.pulseAmplitudeIndex = pulseAmplitudeIndex
        self.deviceClockNotSet = deviceClockNotSet
    }

    /// Decodes a whole characteristic value; trailing bytes are an error.
    public init(decoding bytes: some Sequence<UInt8>) throws(DecodingFailure) {
        var reader = FieldReader(ByteReader(bytes), format: Self.formatName)
        self = try Self.read(&reader)
        try reader.expectEnd()
    }

    /// Decodes one measurement from `reader`, which moves only on success.
    public static func decode(from reader: inout ByteReader) throws(DecodingFailure) -> PLXSpotCheckMeasurement {
        var fields = FieldReader(reader, format: formatName)
        let value = try read(&fields)
        reader = fields.bytes
        return value
    }

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> PLXSpotCheckMeasurement {
        let flags = try reader.flags(defined: 0b0001_1111)
        let reading = try PLXReading.read(&reader, field: "SpO2PR-Spot-check")
        let timestamp = flags & 0x01 != 0 ? try BluetoothDateTime.read(&reader, field: "Timestamp") : nil
        let status = flags & 0x02 != 0 ? try PLXMeasurementStatus.read(&reader) : nil
        let deviceStatus = flags & 0x04 != 0 ? try PLXDeviceAndSensorStatus.read(&reader) : nil
        let amplitude = flags & 0x08 != 0 ? try reader.sfloat("Pulse Amplitude Index") : nil
        return PLXSpotCheckMeasurement(reading: reading, timestamp: timestamp, measurementStatus: status,
                                       deviceAndSensorStatus: deviceStatus, pulseAmplitudeIndex: amplitude,
                                       deviceClockNotSet: flags & 0x10 != 0)
    }

    /// Encodes the characteristic value; throws when a status has reserved bits or the timestamp a part out of range.
    public func encoded() throws(EncodingFailure) -> [UInt8] {
        var flags: UInt8 = 0
        if timestamp != nil { flags |= 0x01 }
        if measurementStatus != nil { flags |= 0x02 }
        if deviceAndSensorStatus != nil { flags |= 0x04 }
        if pulseAmplitudeIndex != nil { flags |= 0x08 }
        if deviceClockNotSet { flags |= 0x10 }
        var out: [UInt8] = [flags]
        reading.encode(into: &out)
        try timestamp?.encode(into: &out, format: Self.formatName, field: "Timestamp")
        try measurementStatus?.encode(into: &out, format: Self.formatName)
        try deviceAndSensorStatus?.encode(into: &out, format: Self.formatName)
        if let pulseAmplitudeIndex { out.appendUInt16(pulseAmplitudeIndex.rawValue) }
        return out
    }
}
