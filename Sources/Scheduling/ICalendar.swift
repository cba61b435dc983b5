import Foundation

/// An iCalendar (RFC 5545) document of appointments for a person's calendar application.
///
/// Events carry the appointment's type, time and status only: a calendar feed leaves the hub for third-party
/// calendars, so no patient name, note or clinical detail is ever written into it.
public struct ICalendarFeed: Sendable {
    /// One appointment as an event.
    public struct Event: Sendable, Hashable {
        /// The appointment's id: the event's UID, stable across reschedules so calendars update it in place.
        public var appointmentID: Int64
        public var type: AppointmentType
        public var status: AppointmentStatus
        public var start: Date
        public var end: Date
        /// How many times it was rescheduled (RFC 5545 SEQUENCE).
        public var revision: Int
        /// When it last changed (RFC 5545 LAST-MODIFIED).
        public var updatedAt: Date

        public init(appointmentID: Int64, type: AppointmentType, status: AppointmentStatus, start: Date, end: Date, revision: Int, updatedAt: Date) {
            self.appointmentID = appointmentID
            self.type = type
            self.status = status
            self.start = start
            self.end = end
            self.revision = revision
            self.updatedAt = updatedAt
        }
    }

    /// The host part of every UID, so UIDs are globally unique.
    public var domain: String
    public var events: [Event]

    public init(domain: String, events: [Event]) {
        self.domain = domain
        self.events = events
    }

    /// The document as sent: CRLF line ends, lines folded at 75 octets, generated at `now`.
    public func text(now: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//SilverWatch//Appointments//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:\(Self.escape("SilverWatch appointments"))"]
        for event in events {
            lines += [
                "BEGIN:VEVENT",
                "UID:appointment-\(event.appointmentID)@\(domain)",
                "DTSTAMP:\(Self.utc(now))",
                "DTSTART:\(Self.utc(event.start))",
                "DTEND:\(Self.utc(event.end))",
                "SEQUENCE:\(event.revision)",
                "LAST-MODIFIED:\(Self.utc(event.updatedAt))",
                "SUMMARY:\(Self.escape("\(event.type.title) (SilverWatch)"))",
                "LOCATION:\(Self.escape(Self.location(event.type)))",
                "DESCRIPTION:\(Self.escape("Details are in SilverWatch."))",
                "STATUS:\(Self.status(event.status))",
                "TRANSP:\(event.status == .cancelled ? "TRANSPARENT" : "OPAQUE")",
                "END:VEVENT",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined()
    }

    static func location(_ type: AppointmentType) -> String {
        switch type.location {
        case .home: "Home"
        case .clinic: "Clinic"
        case .video: "Video call in SilverWatch"
        }
    }

    static func status(_ status: AppointmentStatus) -> String {
        switch status {
        case .scheduled: "TENTATIVE"
        case .cancelled: "CANCELLED"
        case .confirmed, .started, .completed, .noShow: "CONFIRMED"
        }
    }

    /// `20261121T093000Z` (RFC 5545 §3.3.5, form 2: UTC).
    static func utc(_ date: Date) -> String {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let date = LocalDate(daysSince1970: days)
        let time = seconds - days * 86_400
        func pad(_ value: Int, _ width: Int = 2) -> String { String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        return "\(pad(date.year, 4))\(pad(date.month))\(pad(date.day))T\(pad(time / 3600))\(pad(time / 60 % 60))\(pad(time % 60))Z"
    }

    /// TEXT escaping (RFC 5545 §3.3.11).
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case ";": escaped += "\\;"
            case ",": escaped += "\\,"
            case "\n", "\r\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A content line folded into lines of at most 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var result = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let width = String(scalar).utf8.count
            if octets + width > 75 {
                result += "\r\n "
                octets = 1
            }
            result.unicodeScalars.append(scalar)
            octets += width
        }
        return result + "\r\n"
    }
}
