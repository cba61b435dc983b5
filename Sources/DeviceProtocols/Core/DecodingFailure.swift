/// Why a byte sequence could not be decoded, naming the format, the field and the reason.
///
/// "Need more bytes" (``Reason/needMoreBytes(needed:available:)``) is kept apart from every other reason:
/// it means the input is a prefix of something that could still decode, so a caller reading a stream may wait for
/// more; every other reason means the bytes are malformed and waiting will not help.
/// Named so that it does not clash with `Swift.DecodingError`.
public struct DecodingFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The wire format being decoded, e.g. `"Heart Rate Measurement (0x2A37)"`.
    public var format: String
    /// The field that could not be read, e.g. `"Flags"`, `"RR-Interval[2]"` or `"Timestamp.month"`.
    public var field: String
    /// What was wrong with that field.
    public var reason: Reason

    /// What was wrong with a field.
    public enum Reason: Hashable, Sendable {
        /// The field needs `needed` bytes but only `available` remain: the input is short, not malformed.
        case needMoreBytes(needed: Int, available: Int)
        /// Bits the specification reserves for future use are set; `mask` holds exactly those bits.
        case reservedBitsSet(mask: UInt32)
        /// The field holds a value the specification reserves for future use.
        case reservedValue(UInt32)
        /// The field's value lies outside the range the specification allows.
        case outOfRange(value: Int64, allowed: ClosedRange<Int64>)
        /// `count` bytes remain after the last field (for flagged formats, the last one the flags announce), and
        /// ``DecodingFailure/field`` names that field. A GATT value is one whole notification, so extra bytes mean
        /// the flags and the length disagree, and a medical reading like that is not one to trust.
        case trailingBytes(count: Int)
        /// The input's length is not a whole number of fixed-size records.
        case lengthNotMultiple(length: Int, recordSize: Int)
        /// A framing bit is wrong: a byte that must carry the sync bit (bit 7) lacks it, or the reverse.
        case syncBit(expectedSet: Bool)
    }

    /// Creates a failure for `field` of `format`.
    public init(format: String, field: String, reason: Reason) {
        self.format = format
        self.field = field
        self.reason = reason
    }

    /// `true` when the input was merely short (a prefix), `false` when it was malformed.
    public var isNeedMoreBytes: Bool {
        if case .needMoreBytes = reason { return true }
        return false
    }

    /// A sentence a person can read, e.g.
    /// `Blood Pressure Measurement (0x2A35): field "Timestamp.month" is 13, allowed 0...12`.
    public var description: String {
        let subject = "\(format): field \"\(field)\""
        switch reason {
        case let .needMoreBytes(needed, available):
            return "\(subject) needs \(plural(needed, "byte")), only \(available) available"
        case let .reservedBitsSet(mask):
            return "\(subject) has reserved bits set (mask \(hex(mask)))"
        case let .reservedValue(value):
            return "\(subject) has reserved value \(value) (\(hex(value)))"
        case let .outOfRange(value, allowed):
            return "\(subject) is \(value), allowed \(allowed.lowerBound)...\(allowed.upperBound)"
        case let .trailingBytes(count):
            return "\(format): \(plural(count, "unexpected byte")) after the last field, \"\(field)\""
        case let .lengthNotMultiple(length, recordSize):
            return "\(subject) is \(plural(length, "byte")) long, not a multiple of \(recordSize)"
        case let .syncBit(expectedSet):
            return "\(subject) should have its sync bit (bit 7) \(expectedSet ? "set" : "clear")"
        }
    }
}

func plural(_ count: Int, _ noun: String) -> String {
    count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
}

func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    let width = value > 0xFFFF ? 6 : (value > 0xFF ? 4 : 2)
    return "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
}
