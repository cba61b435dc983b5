/// Battery Level, GATT characteristic 0x2A19 (Battery Service 1.0): exactly one `uint8`, 0...100 percent.
///
/// An empty value needs more bytes; a value above 100 (the specification reserves 101...255) and any extra byte
/// are rejected.
public struct BatteryLevel: Hashable, Sendable {
    /// The name used in failures.
    public static let formatName = "Battery Level (0x2A19)"

    /// Remaining charge in percent, 0...100.
    public var percent: UInt8

    /// Creates a level; encoding fails above 100.
    public init(percent: UInt8) {
        self.percent = percent
    }

    /// Decodes a whole characteristic value.
    public init(decoding bytes: some Sequence<UInt8>) throws(DecodingFailure) {
        var reader = FieldReader(ByteReader(bytes), format: Self.formatName)
        self = try Self.read(&reader)
        try reader.expectEnd()
    }

    /// Decodes one level from `reader`, which moves only on success.
    public static func decode(from reader: inout ByteReader) throws(DecodingFailure) -> BatteryLevel {
        var fields = FieldReader(reader, format: formatName)
        let value = try read(&fields)
        reader = fields.bytes
        return value
    }

    static func read(_ reader: inout FieldReader) throws(DecodingFailure) -> BatteryLevel {
        let value = try reader.uint8("Battery Level")
        guard value <= 100 else {
            throw reader.failure("Battery Level", .outOfRange(value: Int64(value), allowed: 0...100))
        }
        return BatteryLevel(percent: value)
    }

    /// Encodes the characteristic value; throws above 100 %.
    public func encoded() throws(EncodingFailure) -> [UInt8] {
        guard percent <= 100 else {
            throw EncodingFailure(format: Self.formatName, field: "Battery Level",
                                  reason: .outOfRange(value: Int64(percent), allowed: 0...100))
        }
        return [percent]
    }
}
