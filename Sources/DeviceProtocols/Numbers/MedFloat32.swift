/// An IEEE 11073-20601 32-bit FLOAT ("medfloat32" in the Bluetooth GATT Specification Supplement).
///
/// The value is `mantissa × 10^exponent` with an 8-bit signed exponent (-128...127) and a 24-bit signed mantissa
/// (-8388608...8388607), sent little-endian. Five bit patterns with exponent 0 are special (IEEE 11073-20601)
/// and never read as numbers: NaN `0x007FFFFF`, NRes `0x00800000`, +INF `0x007FFFFE`, -INF `0x00800002` and
/// reserved `0x00800001`.
///
/// Every 32-bit pattern is a valid `MedFloat32`. Equality is on the wire bits, as for ``MedFloat16``.
public struct MedFloat32: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bits as sent on the wire (before little-endian byte order).
    public let rawValue: UInt32

    /// The allowed mantissas.
    public static let mantissaRange = -8_388_608...8_388_607
    /// The allowed exponents.
    public static let exponentRange = -128...127

    /// Not a Number (`0x007FFFFF`).
    public static let nan = MedFloat32(rawValue: 0x007F_FFFF)
    /// Not at this Resolution (`0x00800000`).
    public static let nres = MedFloat32(rawValue: 0x0080_0000)
    /// Positive infinity (`0x007FFFFE`).
    public static let positiveInfinity = MedFloat32(rawValue: 0x007F_FFFE)
    /// Negative infinity (`0x00800002`).
    public static let negativeInfinity = MedFloat32(rawValue: 0x0080_0002)
    /// The reserved special value (`0x00800001`).
    public static let reserved = MedFloat32(rawValue: 0x0080_0001)

    /// Wraps wire bits; every pattern is valid.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Creates the number `mantissa × 10^exponent`.
    ///
    /// Throws when either part is outside its range, or when exponent 0 with a mantissa of ±8388606, 8388607,
    /// -8388608 or -8388607 would spell a special value.
    public init(mantissa: Int, exponent: Int) throws(EncodingFailure) {
        let format = "FLOAT"
        guard Self.exponentRange.contains(exponent) else {
            throw EncodingFailure(format: format, field: "exponent",
                                  reason: .outOfRange(value: Int64(exponent), allowed: -128...127))
        }
        let allowed: ClosedRange<Int64> = exponent == 0 ? -8_388_605...8_388_605 : -8_388_608...8_388_607
        guard allowed.contains(Int64(mantissa)) else {
            throw EncodingFailure(format: format, field: "mantissa",
                                  reason: .outOfRange(value: Int64(mantissa), allowed: allowed))
        }
        let bits = UInt32(UInt8(truncatingIfNeeded: exponent)) << 24 | UInt32(truncatingIfNeeded: mantissa) & 0x00FF_FFFF
        self.init(rawValue: bits)
    }

    /// Creates the number nearest to `value` with the given `exponent`, rounding half away from zero.
    ///
    /// Throws when `value` is NaN or infinite, or when the rounded mantissa does not fit.
    public init(_ value: Double, exponent: Int) throws(EncodingFailure) {
        let mantissa = try scaledMantissa(value, exponent: exponent, format: "FLOAT",
                                          exponentRange: Self.exponentRange,
                                          mantissaRange: exponent == 0 ? -8_388_605...8_388_605 : -8_388_608...8_388_607)
        try self.init(mantissa: mantissa, exponent: exponent)
    }

    /// What the bits mean: a decimal number or one of the special values (shared with ``MedFloat16``).
    public var value: MedFloat16.Value {
        switch rawValue {
        case 0x007F_FFFF: return .nan
        case 0x0080_0000: return .nres
        case 0x007F_FFFE: return .positiveInfinity
        case 0x0080_0002: return .negativeInfinity
        case 0x0080_0001: return .reserved
        default:
            let exponent = Int(Int8(truncatingIfNeeded: UInt8(truncatingIfNeeded: rawValue >> 24)))
            let mantissa = Int(Int32(bitPattern: rawValue << 8) >> 8)
            return .number(mantissa: mantissa, exponent: exponent)
        }
    }

    /// The number as a `Double`, or `nil` for every special value (NaN, NRes, ±INF, reserved).
    public var doubleValue: Double? {
        guard case let .number(mantissa, exponent) = value else { return nil }
        return decimalToDouble(mantissa: mantissa, exponent: exponent)
    }

    /// The exact decimal, e.g. `"37.60"` or `"NaN"`.
    public var description: String { describe(value) }

    /// Little-endian wire bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.appendUInt32(rawValue)
        return out
    }
}

/// `10^exponent` for `exponent >= 0`, by repeated multiplication (exact up to 10^22).
func powerOfTen(_ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<max(0, exponent) { result *= 10 }
    return result
}

/// Correctly rounded for the common case: dividing two exact integers rounds once.
func decimalToDouble(mantissa: Int, exponent: Int) -> Double {
    exponent >= 0 ? Double(mantissa) * powerOfTen(exponent) : Double(mantissa) / powerOfTen(-exponent)
}

func scaledMantissa(_ value: Double, exponent: Int, format: String, exponentRange: ClosedRange<Int>,
                    mantissaRange: ClosedRange<Int64>) throws(EncodingFailure) -> Int {
    guard value.isFinite else { throw EncodingFailure(format: format, field: "value", reason: .notFinite) }
    guard exponentRange.contains(exponent) else {
        throw EncodingFailure(format: format, field: "exponent", reason: .outOfRange(
            value: Int64(exponent), allowed: Int64(exponentRange.lowerBound)...Int64(exponentRange.upperBound)))
    }
    let scaled = exponent >= 0 ? value / powerOfTen(exponent) : value * powerOfTen(-exponent)
    let rounded = scaled.rounded(.toNearestOrAwayFromZero)
    guard rounded.isFinite, rounded >= Double(mantissaRange.lowerBound), rounded <= Double(mantissaRange.upperBound) else {
        throw EncodingFailure(format: format, field: "value",
                              reason: .notRepresentable(value: value, allowed: mantissaRange))
    }
    return Int(rounded)
}

func describe(_ value: MedFloat16.Value) -> String {
    switch value {
    case .nan: return "NaN"
    case .nres: return "NRes"
    case .positiveInfinity: return "+INF"
    case .negativeInfinity: return "-INF"
    case .reserved: return "reserved"
    case let .number(mantissa, exponent):
        let sign = mantissa < 0 ? "-" : ""
        let digits = String(mantissa.magnitude)
        if exponent >= 0 {
            if mantissa == 0 { return "0" }
            return sign + digits + String(repeating: "0", count: exponent)
        }
        let places = -exponent
        let padded = String(repeating: "0", count: max(0, places + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -places)
        return sign + padded[..<split] + "." + padded[split...]
    }
}
