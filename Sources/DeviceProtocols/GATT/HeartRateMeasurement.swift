/// Heart Rate Measurement, GATT characteristic 0x2A37 (Heart Rate Service 1.0; GATT Specification
/// Supplement, Heart Rate Measurement).
///
/// Layout: Flags `uint8`; Heart Rate Measurement Value `uint8` (flags bit 0 = 0) or `uint16` (bit 0 = 1) in bpm;
/// Sensor Contact Status in flags bits 1–2; Energy Expended `uint16` kJ when bit 3 is set; RR-Intervals when
/// bit 4 is set: every remaining byte pair is one `uint16` in 1/1024 s, as many as the notification holds.
/// Bits 5–7 are reserved and rejected.
///
/// Because RR-Intervals run to the end of the value, a set bit 4 with no bytes left, or an odd byte left over, is
/// a truncated interval and reads as "need more bytes". With bit 4 set there can be no trailing bytes; with it
/// clear, bytes after the last announced field are trailing bytes, which ``init(decoding:)`` rejects.
public struct HeartRateMeasurement: Hashable, Sendable {
    /// The name used in failures.
    public static let formatName = "Heart Rate Measurement (0x2A37)"

    /// Width of the heart rate value on the wire (flags bit 0).
    public enum ValueFormat: Hashable, Sendable {
        /// One byte, 0...255 bpm.
        case uint8
        /// Two bytes, 0...65535 bpm.
        case uint16
    }

    /// Sensor Contact Status (flags bits 1–2).
    public enum SensorContact: Hashable, Sendable {
        /// The sensor does not report contact (bits 0b00 or 0b01).
        case notSupported
        /// Contact is supported but not detected (0b10): the strap is probably not on the skin.
        case notDetected
        /// Contact is supported and detected (0b11).
        case detected
    }

    /// Heart rate in beats per minute.
    public var heartRate: UInt16
    /// Width used on the wire; encoding with `.uint8` and a rate above 255 fails.
    public var valueFormat: ValueFormat
    /// Whether the sensor touches the skin.
    public var sensorContact: SensorContact
    /// Energy expended since the last reset, in kilojoules (not kilocalories), when present. The sensor holds it at
    /// 0xFFFF once it reaches that.
    public var energyExpended: UInt16?
    /// RR-Intervals in units of 1/1024 s, oldest first; empty when the flags announce none.
    public var rrIntervals: [UInt16]

    /// Creates a measurement; `valueFormat` defaults to the narrowest width that holds `heartRate`.
    public init(heartRate: UInt16, valueFormat: ValueFormat? = nil, sensorContact: SensorContact = .notSupported,
                energyExpended: UInt16? = nil, rrIntervals: [UInt16] = []) {
        self.heartRate = heartRate
        self.valueFormat = valueFormat ?? (heartRate <= UInt16(UInt8.max) ? .uint8 : .uint16)
        self.sensorContact = sensorContact
        self.energyExpended = energyExpended
        self.rrIntervals = rrIntervals
    }

    /// The RR-Intervals in seconds (`raw / 1024`).
    public var rrIntervalSeconds: [Double] { rrIntervals.map { Double($0) / 1024 } }

    /// Decodes a whole characteristic value.
    public init(decoding bytes: some Sequence<UInt8>) throws(DecodingFailure) {
        var reader = FieldReader(ByteReader(bytes), format: Self.formatName)
        self = try Self.read(&reader)
        try reader.expectEnd()
    }

    /// Decodes from `reader`; the reader moves only on success. With RR-Intervals announced it consumes every
    /// remaining byte (they fill the rest of the value); otherwise it stops after the last announced field.
    public static func decode(from reader: inout ByteReader) throws(DecodingFailure) -> HeartRateMeasurement {
        var fields = FieldReader(reader, format: formatName)
        let value = try read(&fields)
        reader = fields.bytes
        return value
    }

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> HeartRateMeasurement {
        let flags = try reader.flags(defined: 0b0001_1111)
        let format: ValueFormat = flags & 0x01 == 0 ? .uint8 : .uint16
        let rate = format == .uint8
            ? UInt16(try reader.uint8("Heart Rate Measurement Value"))
            : try reader.uint16("Heart Rate Measurement Value")
        let contact: SensorContact = switch (flags >> 1) & 0b11 {
        case 0b11: .detected
        case 0b10: .notDetected
        default: .notSupported
        }
        let energy = flags & 0x08 != 0 ? try reader.uint16("Energy Expended") : nil
        var intervals: [UInt16] = []
        if flags & 0x10 != 0 {
            // At least one interval, then as many whole intervals as remain.
            intervals.reserveCapacity(max(1, reader.readableBytes / 2))
            repeat {
                // Read directly so the indexed field name is only built for a failure.
                guard let interval = reader.bytes.readUInt16LittleEndian() else {
                    throw reader.failure("RR-Interval[\(intervals.count)]",
                                         .needMoreBytes(needed: 2, available: reader.readableBytes))
                }
                intervals.append(interval)
            } while reader.readableBytes > 0
        }
        return HeartRateMeasurement(heartRate: rate, valueFormat: format, sensorContact: contact,
                                    energyExpended: energy, rrIntervals: intervals)
    }

    /// Encodes the characteristic value.
    ///
    /// Throws when `valueFormat` is `.uint8` and ``heartRate`` exceeds 255.
    public func encoded() throws(EncodingFailure) -> [UInt8] {
        var flags: UInt8 = 0
        if valueFormat == .uint16 { flags |= 0x01 }
        switch sensorContact {
        case .notSupported: break
        case .notDetected: flags |= 0b100
        case .detected: flags |= 0b110
        }
        if energyExpended != nil { flags |= 0x08 }
        if !rrIntervals.isEmpty { flags |= 0x10 }
        var out: [UInt8] = [flags]
        switch valueFormat {
        case .uint8:
            guard heartRate <= UInt16(UInt8.max) else {
                throw EncodingFailure(format: Self.formatName, field: "Heart Rate Measurement Value",
                                      reason: .outOfRange(value: Int64(heartRate), allowed: 0...255))
            }
            out.append(UInt8(truncatingIfNeeded: heartRate))
        case .uint16:
            out.appendUInt16(heartRate)
        }
        if let energyExpended { out.appendUInt16(energyExpended) }
        for interval in rrIntervals { out.appendUInt16(interval) }
        return out
    }
}
