/// PLX Continuous Measurement, GATT characteristic 0x2A5F (Pulse Oximeter Service 1.0.1; GATT Specification Supplement).
///
/// Layout: Flags `uint8` (bit 0: SpO2PR-Fast present; bit 1: SpO2PR-Slow present; bit 2: Measurement Status
/// present; bit 3: Device and Sensor Status present; bit 4: Pulse Amplitude Index present; bits 5–7 reserved and
/// rejected); SpO2PR-Normal (two SFLOATs); SpO2PR-Fast; SpO2PR-Slow; Measurement Status `uint16`; Device and
/// Sensor Status `uint24`; Pulse Amplitude Index SFLOAT. Bytes after the last announced field are rejected.
public struct PLXContinuousMeasurement: Hashable, Sendable {
    /// The name used in failures.
    public static let formatName = "PLX Continuous Measurement (0x2A5F)"

    /// The normal-response SpO2 (%) and pulse rate (bpm).
    public var normal: PLXReading
    /// The fast-responding pair, when sent.
    public var fast: PLXReading?
    /// The slow-responding pair, when sent.
    public var slow: PLXReading?
    /// Measurement status, when sent.
    public var measurementStatus: PLXMeasurementStatus?
    /// Device and sensor status, when sent.
    public var deviceAndSensorStatus: PLXDeviceAndSensorStatus?
    /// Pulse Amplitude Index in percent, when sent.
    public var pulseAmplitudeIndex: MedFloat16?

    /// Creates a measurement.
    public init(normal: PLXReading, fast: PLXReading? = nil, slow: PLXReading? = nil,
                measurementStatus: PLXMeasurementStatus? = nil, deviceAndSensorStatus: PLXDeviceAndSensorStatus? = nil,
                pulseAmplitudeIndex: MedFloat16? = nil) {
        self.normal = normal
        self.fast = fast
        self.slow = slow
        self.measurementStatus = measurementStatus
        self.deviceAndSensorStatus = deviceAndSensorStatus
        self.pulseAmplitudeIndex = pulseAmplitudeIndex
    }

    /// Decodes a whole characteristic value; trailing bytes are an error.
    public init(decoding bytes: some Sequence<UInt8>) throws(DecodingFailure) {
        var reader = FieldReader(ByteReader(bytes), format: Self.formatName)
        self = try Self.read(&reader)
        try reader.expectEnd()
    }

    /// Decodes one measurement from `reader`, which moves only on success.
    public static func decode(from reader: inout ByteReader) throws(DecodingFailure) -> PLXContinuousMeasurement {
        var fields = FieldReader(reader, format: formatName)
        let value = try read(&fields)
        reader = fields.bytes
        return value
    }

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> PLXContinuousMeasurement {
        let flags = try reader.flags(defined: 0b0001_1111)
        let normal = try PLXReading.read(&reader, field: "SpO2PR-Normal")
        let fast = flags & 0x01 != 0 ? try PLXReading.read(&reader, field: "SpO2PR-Fast") : nil
        let slow = flags & 0x02 != 0 ? try PLXReading.read(&reader, field: "SpO2PR-Slow") : nil
        let status = flags & 0x04 != 0 ? try PLXMeasurementStatus.read(&reader) : nil
        let deviceStatus = flags & 0x08 != 0 ? try PLXDeviceAndSensorStatus.read(&reader) : nil
        let amplitude = flags & 0x10 != 0 ? try reader.sfloat("Pulse Amplitude Index") : nil
        return PLXContinuousMeasurement(normal: normal, fast: fast, slow: slow, measurementStatus: status,
                                        deviceAndSensorStatus: deviceStatus, pulseAmplitudeIndex: amplitude)
    }

    /// Encodes the characteristic value; throws when a status has reserved bits set.
    public func encoded() throws(EncodingFailure) -> [UInt8] {
        var flags: UInt8 = 0
        if fast != nil { flags |= 0x01 }
        if slow != nil { flags |= 0x02 }
        if measurementStatus != nil { flags |= 0x04 }
        if deviceAndSensorStatus != nil { flags |= 0x08 }
        if pulseAmplitudeIndex != nil { flags |= 0x10 }
        var out: [UInt8] = [flags]
        normal.encode(into: &out)
        fast?.encode(into: &out)
        slow?.encode(into: &out)
        try measurementStatus?.encode(into: &out, format: Self.formatName)
        try deviceAndSensorStatus?.encode(into: &out, format: Self.formatName)
        if let pulseAmplitudeIndex { out.appendUInt16(pulseAmplitudeIndex.rawValue) }
        return out
    }
}
