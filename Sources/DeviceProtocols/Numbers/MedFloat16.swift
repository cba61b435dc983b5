/// An IEEE 11073-20601 16-bit SFLOAT ("medfloat16" in the Bluetooth GATT Specification Supplement).
///
/// The value is `mantissa × 10^exponent` with a 4-bit signed exponent (-8...7) and a 12-bit signed mantissa
/// (-2048...2047), sent little-endian. Five bit patterns with exponent 0 are special (IEEE 11073-20601) and
/// never read as numbers: NaN `0x07FF`, NRes `0x0800`, +INF `0x07FE`, -INF `0x0802` and reserved `0x0801`.
///
/// Every 16-bit pattern is a valid `MedFloat16`, so reading one from the wire or writing one back cannot fail; only
/// building one from a mantissa, an exponent or a `Double` checks ranges. Equality is on
/// the wire bits: `120 × 10^0` and `1200 × 10^-1` are different values, as the device chose a different precision.
public struct MedFloat16: Hashable, Sendable, CustomStringConvertible {
    /// The 16 bits as sent on the wire (before little-endian byte order).
    public let rawValue: UInt16

    /// What the bits mean: a decimal number or one of the special values.
    public enum Value: Hashable, Sendable {
        /// The number `mantissa × 10^exponent`.
        case number(mantissa: Int, exponent: Int)
        /// Not a Number: the device has no valid value (`0x07FF`).
        case nan
        /// Not at this Resolution: the value cannot be represented with this precision (`0x0800`).
        case nres
        /// Positive infinity (`0x07FE`).
        case positiveInfinity
        /// Negative infinity (`0x0802`).
        case negativeInfinity
        /// Reserved for future use (`0x0801`); treat like NaN.
        case reserved
    }

    /// The allowed mantissas.
    public static let mantissaRange = -2048...2047
    /// The allowed exponents.
    public static let exponentRange = -8...7

    /// Not a Number (`0x07FF`).
    public static let nan = MedFloat16(rawValue: 0x07FF)
    /// Not at this Resolution (`0x0800`).
    public static let nres = MedFloat16(rawValue: 0x0800)
    /// Positive infinity (`0x07FE`).
    public static let positiveInfinity = MedFloat16(rawValue: 0x07FE)
    /// Negative infinity (`0x0802`).
    public static let negativeInfinity = MedFloat16(rawValue: 0x0802)
    /// The reserved special value (`0x0801`).
    public static let reserved = MedFloat16(rawValue: 0x0801)

    /// Wraps wire bits; every pattern is valid.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// Creates the number `mantissa × 10^exponent`.
    ///
    /// Throws when either part is outside its range, or when exponent 0 with a mantissa of 2046, 2047, -2048,
    /// -2047 or -2046 would spell a special value.
    public init(mantissa: Int, exponent: Int) throws(EncodingFailure) {
        let format = "SFLOAT"
        guard Self.exponentRange.contains(exponent) else {
            throw EncodingFailure(format: format, field: "exponent",
                                  reason: .outOfRange(value: Int64(exponent), allowed: -8...7))
        }
        let allowed: ClosedRange<Int64> = exponent == 0 ? -2045...2045 : -2048...2047
        guard allowed.contains(Int64(mantissa)) else {
            throw EncodingFailure(format: format, field: "mantissa",
                                  reason: .outOfRange(value: Int64(mantissa), allowed: allowed))
        }
        let bits = (UInt16(truncatingIfNeeded: exponent) & 0xF) << 12 | UInt16(truncatingIfNeeded: mantissa) & 0x0FFF
        self.init(rawValue: bits)
    }

    /// Creates the number nearest to `value` with the given `exponent` (e.g. `-1` for one decimal place), rounding
    /// half away from zero.
    ///
    /// Throws when `value` is NaN or infinite (use ``nan`` and the other specials explicitly), or when the rounded
    /// mantissa does not fit.
    public init(_ value: Double, exponent: Int) throws(EncodingFailure) {
        let mantissa = try scaledMantissa(value, exponent: exponent, format: "SFLOAT",
                                          exponentRange: Self.exponentRange,
                                          mantissaRange: exponent == 0 ? -2045...2045 : -2048...2047)
        try self.init(mantissa: mantissa, exponent: exponent)
    }

    /// What the bits mean.
    public var value: Value {
        switch rawValue {
        case 0x07FF: return .nan
        case 0x0800: return .nres
        case 0x07FE: return .positiveInfinity
        case 0x0802: return .negativeInfinity
        case 0x0801: return .reserved
        default:
            let exponent = Int(Int8(truncatingIfNeeded: UInt8(truncatingIfNeeded: rawValue >> 8)) >> 4)
            let mantissa = Int(Int16(bitPattern: rawValue << 4) >> 4)
            return .number(mantissa: mantissa, exponent: exponent)
        }
    }

    /// The number as a `Double`, or `nil` for every special value (NaN, NRes, ±INF, reserved).
    public var doubleValue: Double? {
        guard case let .number(mantissa, exponent) = value else { return nil }
        return decimalToDouble(mantissa: mantissa, exponent: exponent)
    }

    /// The exact decimal, e.g. `"37.6"` or `"NaN"`.
    public var description: String { describe(value) }
}

extension MedFloat16 {
    /// Little-endian wire bytes.
    public var bytes: [UInt8] { [UInt8(truncatingIfNeeded: rawValue), UInt8(truncatingIfNeeded: rawValue >> 8)] }
}
