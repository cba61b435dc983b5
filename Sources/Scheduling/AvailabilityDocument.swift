import Foundation

/// An availability as JSON, in the API's request and response bodies and in storage:
///
/// ```json
/// {"timeZone": "Europe/London", "bufferMinutes": 15, "minutes": {"home-visit": 60},
///  "weekly": [{"weekday": "monday", "start": "09:00", "end": "12:30", "location": "clinic"}],
///  "overrides": [{"date": "2026-12-24", "hours": [{"start": "09:00", "end": "11:00", "location": "video"}]},
///                {"date": "2026-12-25", "hours": []}]}
/// ```
public struct AvailabilityDocument: Sendable, Hashable, Codable {
    public struct Span: Sendable, Hashable, Codable {
        public var weekday: Weekday?
        public var start: String
        public var end: String
        public var location: Location
    }

    public struct Override: Sendable, Hashable, Codable {
        public var date: String
        public var hours: [Span]
    }

    public var timeZone: String
    public var bufferMinutes: Int?
    public var minutes: [String: Int]?
    public var weekly: [Span]
    public var overrides: [Override]?
}

extension Availability {
    /// The availability `document` describes, or the first problem, naming its field as the document spells it.
    public init(document: AvailabilityDocument) throws(AvailabilityError) {
        // Region names (`Europe/London`), or UTC, which Foundation on Linux names GMT.
        guard let zone = TimeZone(identifier: document.timeZone), document.timeZone.contains("/") || ["UTC", "GMT"].contains(document.timeZone) else {
            throw AvailabilityError(field: "timeZone", "\"\(document.timeZone)\" is not an IANA time zone such as Europe/London")
        }
        func hours(_ span: AvailabilityDocument.Span, field: String) throws(AvailabilityError) -> Hours {
            guard let start = TimeOfDay(span.start), start.minutes < 1440 else { throw AvailabilityError(field: "\(field).start", "start must be a time HH:MM before 24:00") }
            guard let end = TimeOfDay(span.end) else { throw AvailabilityError(field: "\(field).end", "end must be a time HH:MM, 24:00 for the day's end") }
            return Hours(start: start, end: end, location: span.location)
        }
        var weekly: [Weekday: [Hours]] = [:]
        for (index, span) in document.weekly.enumerated() {
            guard let weekday = span.weekday else { throw AvailabilityError(field: "weekly[\(index)].weekday", "weekday is required") }
            weekly[weekday, default: []].append(try hours(span, field: "weekly[\(index)]"))
        }
        var overrides: [LocalDate: [Hours]] = [:]
        for (index, override) in (document.overrides ?? []).enumerated() {
            guard let date = LocalDate(override.date) else { throw AvailabilityError(field: "overrides[\(index)].date", "date must be a date YYYY-MM-DD") }
            guard overrides[date] == nil else { throw AvailabilityError(field: "overrides[\(index)].date", "\(date) is given twice") }
            var spans: [Hours] = []
            for (spanIndex, span) in override.hours.enumerated() { spans.append(try hours(span, field: "overrides[\(index)].hours[\(spanIndex)]")) }
            overrides[date] = spans
        }
        guard overrides.count <= 400 else { throw AvailabilityError(field: "overrides", "at most 400 dates") }
        var minutes: [AppointmentType: Int] = [:]
        for (name, length) in document.minutes ?? [:] {
            guard let type = AppointmentType(rawValue: name) else { throw AvailabilityError(field: "minutes.\(name)", "\"\(name)\" is not an appointment type") }
            minutes[type] = length
        }
        try self.init(timeZone: zone, weekly: weekly, overrides: overrides, bufferMinutes: document.bufferMinutes ?? 0, minutes: minutes)
    }

    /// This availability as a document, in a fixed order (weekdays Monday first, then start time; dates ascending).
    public var document: AvailabilityDocument {
        func span(_ hours: Hours, _ weekday: Weekday?) -> AvailabilityDocument.Span {
            .init(weekday: weekday, start: hours.start.description, end: hours.end.description, location: hours.location)
        }
        return AvailabilityDocument(
            timeZone: timeZone.identifier, bufferMinutes: bufferMinutes,
            minutes: Dictionary(uniqueKeysWithValues: minutes.map { ($0.key.rawValue, $0.value) }),
            weekly: Weekday.allCases.flatMap { weekday in (weekly[weekday] ?? []).sorted { $0.start < $1.start }.map { span($0, weekday) } },
            overrides: overrides.keys.sorted().map { date in
                .init(date: date.description, hours: (overrides[date] ?? []).sorted { $0.start < $1.start }.map { span($0, nil) })
            })
    }
}
