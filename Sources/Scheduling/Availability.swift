import Foundation

/// Where an appointment happens, and so which of a person's hours it needs.
public enum Location: String, Sendable, Hashable, Codable, CaseIterable {
    /// At the clinic.
    case clinic
    /// Visits at patients' homes.
    case home
    /// Video consultations.
    case video
}

/// Hours of one day at one location, in the schedule's time zone; `end` after `start`, `24:00` the day's end.
public struct Hours: Sendable, Hashable {
    public var start: TimeOfDay
    public var end: TimeOfDay
    public var location: Location

    public init(start: TimeOfDay, end: TimeOfDay, location: Location) {
        self.start = start
        self.end = end
        self.location = location
    }
}

/// A person's working hours: weekly recurring hours per location, dates that differ (other hours, or none: a day
/// off), in one IANA time zone, with a buffer kept free between appointments (travel, notes).
public struct Availability: Sendable, Hashable {
    /// An IANA time zone identifier, e.g. `Europe/London`; wall times below are read in it, daylight saving included.
    public var timeZone: TimeZone
    /// Hours on each weekday; a weekday absent or empty is not worked.
    public var weekly: [Weekday: [Hours]]
    /// Dates whose hours replace the weekday's; an empty list makes the date a day off.
    public var overrides: [LocalDate: [Hours]]
    /// Minutes kept free before and after every appointment, 0–120.
    public var bufferMinutes: Int
    /// Appointment lengths by type where they differ from ``AppointmentType/defaultMinutes``.
    public var minutes: [AppointmentType: Int]

    /// An availability whose hours and numbers are checked: see ``AvailabilityError``.
    public init(timeZone: TimeZone, weekly: [Weekday: [Hours]], overrides: [LocalDate: [Hours]] = [:], bufferMinutes: Int = 0,
                minutes: [AppointmentType: Int] = [:]) throws(AvailabilityError) {
        guard (0...120).contains(bufferMinutes) else { throw AvailabilityError(field: "bufferMinutes", "bufferMinutes must be 0–120") }
        for (type, length) in minutes where !(5...480).contains(length) || length % 5 != 0 {
            throw AvailabilityError(field: "minutes.\(type.rawValue)", "an appointment lasts 5–480 minutes, in steps of 5 (not \(length))")
        }
        for weekday in Weekday.allCases { try Self.check(weekly[weekday] ?? [], field: "weekly.\(weekday.rawValue)") }
        for (date, hours) in overrides { try Self.check(hours, field: "overrides.\(date)") }
        self.timeZone = timeZone
        self.weekly = weekly
        self.overrides = overrides
        self.bufferMinutes = bufferMinutes
        self.minutes = minutes
    }

    /// How long an appointment of `type` with this person lasts.
    public func length(of type: AppointmentType) -> Int { minutes[type] ?? type.defaultMinutes }

    /// The hours worked on `date`.
    public func hours(on date: LocalDate) -> [Hours] { overrides[date] ?? weekly[date.weekday] ?? [] }

    /// The intervals worked at `location` that overlap `range`, whole (not cut to `range`), in time order.
    public func windows(at location: Location, overlapping range: Range<Date>) -> [Range<Date>] {
        // A day's hours span at most 25 real hours; a date a day either side of the range's own covers every zone.
        let first = LocalDate(range.lowerBound, in: timeZone).adding(days: -1)
        let last = LocalDate(range.upperBound, in: timeZone).adding(days: 1)
        var windows: [Range<Date>] = []
        var date = first
        while date <= last {
            for hours in self.hours(on: date) where hours.location == location {
                let start = ZonedTime.instant(date, hours.start, in: timeZone)
                let end = hours.end.minutes == 1440
                    ? ZonedTime.instant(date.adding(days: 1), TimeOfDay(minutes: 0)!, in: timeZone)
                    : ZonedTime.instant(date, hours.end, in: timeZone)
                if start < end, start < range.upperBound, end > range.lowerBound { windows.append(start..<end) }
            }
            date = date.adding(days: 1)
        }
        return windows.sorted { $0.lowerBound < $1.lowerBound }
    }

    private static func check(_ hours: [Hours], field: String) throws(AvailabilityError) {
        guard hours.count <= 12 else { throw AvailabilityError(field: field, "at most 12 spans of hours a day") }
        for (index, span) in hours.enumerated() where span.end <= span.start {
            throw AvailabilityError(field: "\(field)[\(index)]", "\(span.start)–\(span.end) ends before it starts")
        }
        // One person, one place: spans may touch but not overlap, whatever their locations.
        let sorted = hours.sorted { $0.start < $1.start }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where later.start < earlier.end {
            throw AvailabilityError(field: field, "\(earlier.start)–\(earlier.end) and \(later.start)–\(later.end) overlap")
        }
    }
}

/// Why an availability was refused; `field` names the part at fault.
public struct AvailabilityError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var description: String

    public init(field: String, _ description: String) {
        self.field = field
        self.description = description
    }
}
