/// The Bluetooth "Date Time" structure (characteristic 0x2A08), 7 bytes, used as the time stamp of GATT
/// measurements.
///
/// Wire layout (GATT Specification Supplement, Date Time): year `uint16` (1582...9999, 0 = not known), month
/// `uint8` (1...12, 0 = not known), day `uint8` (1...31, 0 = not known), hours (0...23), minutes (0...59) and
/// seconds (0...59). Unknown parts decode to `nil`; hours, minutes and seconds have no "unknown" value.
/// The structure carries no time zone: it is the device's local clock, as the device was set.
public struct BluetoothDateTime: Hashable, Sendable, CustomStringConvertible {
    /// Year 1582...9999, or `nil` when the device does not know it.
    public var year: Int?
    /// Month 1...12, or `nil` when the device does not know it.
    public var month: Int?
    /// Day of month 1...31, or `nil` when the device does not know it.
    public var day: Int?
    /// Hours 0...23.
    public var hour: Int
    /// Minutes 0...59.
    public var minute: Int
    /// Seconds 0...59.
    public var second: Int

    /// Size on the wire.
    public static let byteCount = 7

    /// Creates a date-time; encoding checks the ranges, so an out-of-range part fails there, naming the field.
    public init(year: Int?, month: Int?, day: Int?, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// `YYYY-MM-DD hh:mm:ss`, with `?` for unknown parts.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let date = [year.map { pad($0, 4) } ?? "????", month.map { pad($0, 2) } ?? "??", day.map { pad($0, 2) } ?? "??"]
        return date.joined(separator: "-") + " " + [pad(hour, 2), pad(minute, 2), pad(second, 2)].joined(separator: ":")
    }

    /// Reads the 7 bytes, naming fields `"<field>.year"` and so on, and checks every range.
    static func read(_ reader: inout FieldReader, field: String) throws(DecodingFailure) -> BluetoothDateTime {
        let year = try reader.uint16("\(field).year")
        if year != 0, !(1582...9999).contains(year) {
            throw reader.failure("\(field).year", .outOfRange(value: Int64(year), allowed: 1582...9999))
        }
        func part(_ name: String, _ allowed: ClosedRange<Int64>) throws(DecodingFailure) -> Int {
            let value = try reader.uint8("\(field).\(name)")
            guard allowed.contains(Int64(value)) else {
                throw reader.failure("\(field).\(name)", .outOfRange(value: Int64(value), allowed: allowed))
            }
            return Int(value)
        }
        let month = try part("month", 0...12)
        let day = try part("day", 0...31)
        let hour = try part("hours", 0...23)
        let minute = try part("minutes", 0...59)
        let second = try part("seconds", 0...59)
        return BluetoothDateTime(year: year == 0 ? nil : Int(year), month: month == 0 ? nil : month,
                                 day: day == 0 ? nil : day, hour: hour, minute: minute, second: second)
    }

    /// Appends the 7 bytes, or throws naming `"<field>.year"` etc. when a part is out of range.
    func encode(into out: inout [UInt8], format: String, field: String) throws(EncodingFailure) {
        func check(_ name: String, _ value: Int?, _ allowed: ClosedRange<Int64>) throws(EncodingFailure) -> Int {
            guard let value else { return 0 }
            guard allowed.contains(Int64(value)) else {
                throw EncodingFailure(format: format, field: "\(field).\(name)",
                                      reason: .outOfRange(value: Int64(value), allowed: allowed))
            }
            return value
        }
        let year = try check("year", year, 1582...9999)
        let parts = [try check("month", month, 1...12), try check("day", day, 1...31), try check("hours", hour, 0...23),
                     try check("minutes", minute, 0...59), try check("seconds", second, 0...59)]
        out.appendUInt16(UInt16(truncatingIfNeeded: year))
        for part in parts { out.append(UInt8(truncatingIfNeeded: part)) }
    }
}
