import Foundation

/// A calendar date in the proleptic Gregorian calendar, as a person writes it (`2026-03-29`), with no time zone.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// The date, or nil when there is no such day (`2026-02-30`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...Self.days(inMonth: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2, text.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (48...57).contains($0) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date `daysSince1970` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public init(daysSince1970 days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// Days from 1970-01-01 to this date (Howard Hinnant's `days_from_civil`).
    public var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day of the week.
    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        Weekday.allCases[((daysSince1970 % 7) + 7 + 3) % 7]
    }

    /// The date `count` days later (earlier when negative).
    public func adding(days count: Int) -> LocalDate { LocalDate(daysSince1970: daysSince1970 + count) }

    /// The date that the instant `date` falls on in `zone`.
    public init(_ date: Date, in zone: TimeZone) {
        let local = Int((date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))).rounded(.down))
        self.init(daysSince1970: local >= 0 ? local / 86_400 : (local - 86_399) / 86_400)
    }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.daysSince1970 < rhs.daysSince1970 }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A day of the week, ISO 8601 order (Monday first), named in lower case on the wire.
public enum Weekday: String, Sendable, Hashable, Codable, CaseIterable {
    case monday, tuesday, wednesday, thursday, friday, saturday, sunday
}

/// A wall-clock time of day, `00:00` to `24:00` (the end of the day), in whole minutes.
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Minutes since midnight, 0...1440.
    public var minutes: Int

    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// Parses `HH:MM`, 00:00 to 24:00.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, text.utf8.allSatisfy({ $0 == UInt8(ascii: ":") || (48...57).contains($0) }),
              let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0 else { return nil }
        self.init(minutes: hours * 60 + minutes)
    }

    public var description: String {
        let hours = minutes / 60, minutes = self.minutes % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }
}

/// Wall-clock times in a time zone as instants, across daylight-saving changes.
public enum ZonedTime {
    /// The instant when clocks in `zone` show `time` on `date`.
    ///
    /// Two wall times need a rule. In the hour clocks skip (spring forward), the time is read with the offset before
    /// the change, so it lands as far past the change as it was past the skipped hour's start: 01:30 in London on the
    /// last Sunday of March is 02:30 BST. In the hour clocks repeat (fall back), the first of the two instants is
    /// taken: 01:30 in London on the last Sunday of October is 01:30 BST, not the later 01:30 GMT.
    public static func instant(_ date: LocalDate, _ time: TimeOfDay, in zone: TimeZone) -> Date {
        let wall = Double(date.daysSince1970) * 86_400 + Double(time.minutes) * 60
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 86_400))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 86_400))
        // Earliest first: the larger offset gives the earlier instant.
        let offsets: [Int] = before == after ? [before] : [max(before, after), min(before, after)]
        for offset in offsets {
            let candidate = Date(timeIntervalSince1970: wall - Double(offset))
            if zone.secondsFromGMT(for: candidate) == offset { return candidate }
        }
        return Date(timeIntervalSince1970: wall - Double(before))
    }
}
