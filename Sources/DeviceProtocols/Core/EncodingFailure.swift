/// Why a value could not be encoded: it holds something its wire format cannot carry.
///
/// Decoders never produce such values; they arise when a caller (typically a device simulator) builds a value by
/// hand, e.g. a heart rate of 300 in the 8-bit format or a status with reserved bits set.
public struct EncodingFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// The wire format being encoded, e.g. `"Battery Level (0x2A19)"`.
    public var format: String
    /// The field whose value cannot be encoded.
    public var field: String
    /// What is wrong with that value.
    public var reason: Reason

    /// What is wrong with a value.
    public enum Reason: Hashable, Sendable {
        /// The value lies outside the range the field can carry.
        case outOfRange(value: Int64, allowed: ClosedRange<Int64>)
        /// Bits the specification reserves for future use are set; `mask` holds exactly those bits.
        case reservedBitsSet(mask: UInt32)
        /// The value is one the specification reserves.
        case reservedValue(UInt32)
        /// A floating-point value is NaN or infinite; use the format's special values explicitly instead.
        case notFinite
        /// A floating-point value, scaled to the wire's resolution and rounded, falls outside the raw range `allowed`
        /// (for IEEE 11073 numbers: the mantissa range at the chosen exponent).
        case notRepresentable(value: Double, allowed: ClosedRange<Int64>)
    }

    /// Creates a failure for `field` of `format`.
    public init(format: String, field: String, reason: Reason) {
        self.format = format
        self.field = field
        self.reason = reason
    }

    /// A sentence a person can read, e.g. `Battery Level (0x2A19): field "Battery Level" is 101, allowed 0...100`.
    public var description: String {
        let subject = "\(format): field \"\(field)\""
        switch reason {
        case let .outOfRange(value, allowed):
            return "\(subject) is \(value), allowed \(allowed.lowerBound)...\(allowed.upperBound)"
        case let .reservedBitsSet(mask):
            return "\(subject) has reserved bits set (mask \(hex(mask)))"
        case let .reservedValue(value):
            return "\(subject) has reserved value \(value)"
        case .notFinite:
            return "\(subject) is not a finite number"
        case let .notRepresentable(value, allowed):
            return "\(subject) value \(value) does not fit: scaled and rounded it leaves \(allowed.lowerBound)...\(allowed.upperBound)"
        }
    }
}
