import Foundation
import GRDB
import Scheduling

extension AppDatabase {
    /// The availability of caregiver or technician `accountID`, if they have set one up.
    public func availability(accountID: Int64) async throws -> (availability: Availability, updatedAt: Date)? {
        try await writer.read { db in
            try Self.requireStaff(db, accountID)
            guard let row = try Row.fetchOne(db, sql: "SELECT document, updatedAt FROM availability WHERE accountID = ?", arguments: [accountID]) else { return nil }
            return (try Self.availability(document: row["document"]), Date(millisecondsSince1970: row["updatedAt"]))
        }
    }

    /// Replaces the availability of `accountID`, who must be an active caregiver or technician. Bookings already
    /// made stand: changing one's hours does not cancel anyone's appointment.
    public func setAvailability(_ availability: Availability, accountID: Int64, at time: Date) async throws {
        let document = String(decoding: try JSONEncoder().encode(availability.document), as: UTF8.self)
        try await writer.write { db in
            try Self.requireStaff(db, accountID)
            try db.execute(sql: """
                INSERT INTO availability (accountID, document, updatedAt) VALUES (?, ?, ?)
                ON CONFLICT (accountID) DO UPDATE SET document = excluded.document, updatedAt = excluded.updatedAt
                """, arguments: [accountID, document, time.millisecondsSince1970])
        }
    }

    /// Time off of `accountID` that ends after `since`, in time order.
    public func timeOff(accountID: Int64, endingAfter since: Date) async throws -> [TimeOff] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM timeOff WHERE accountID = ? AND endsAt > ? ORDER BY startsAt, id LIMIT 1000",
                             arguments: [accountID, since.millisecondsSince1970]).map(Self.timeOff)
        }
    }

    /// Records time off for `accountID` (an active caregiver or technician).
    public func addTimeOff(accountID: Int64, _ period: Range<Date>, reason: String?, at time: Date) async throws -> TimeOff {
        try await writer.write { db in
            try Self.requireStaff(db, accountID)
            try db.execute(sql: "INSERT INTO timeOff (accountID, startsAt, endsAt, reason, createdAt) VALUES (?, ?, ?, ?, ?)",
                           arguments: [accountID, period.lowerBound.millisecondsSince1970, period.upperBound.millisecondsSince1970, reason,
                                       time.millisecondsSince1970])
            return TimeOff(id: db.lastInsertedRowID, accountID: accountID, start: period.lowerBound, end: period.upperBound, reason: reason, createdAt: time)
        }
    }

    /// Deletes time off `id` of `accountID`; false when there is none.
    public func deleteTimeOff(id: Int64, accountID: Int64) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM timeOff WHERE id = ? AND accountID = ?", arguments: [id, accountID])
            return db.changesCount > 0
        }
    }

    /// Free slots of `staffID` for `type` in `range`, none before `now`; nil when they have no availability.
    public func freeSlots(staffID: Int64, type: AppointmentType, in range: Range<Date>, now: Date) async throws -> [Range<Date>]? {
        try await writer.read { db in
            try Self.slotFinder(db, staffID: staffID, around: range, excluding: nil)?.slots(for: type, in: range, now: now)
        }
    }

    static func availability(document: String) throws -> Availability {
        try Availability(document: try JSONDecoder().decode(AvailabilityDocument.self, from: Data(document.utf8)))
    }

    /// What decides `staffID`'s slots around `range`: availability, time off and the bookings holding time
    /// (`excluding` one being rescheduled).
    static func slotFinder(_ db: Database, staffID: Int64, around range: Range<Date>, excluding: Int64?) throws -> SlotFinder? {
        guard let document = try String.fetchOne(db, sql: "SELECT document FROM availability WHERE accountID = ?", arguments: [staffID]) else { return nil }
        // A day either side covers every buffer (at most two hours).
        let from = range.lowerBound.addingTimeInterval(-86_400).millisecondsSince1970
        let to = range.upperBound.addingTimeInterval(86_400).millisecondsSince1970
        func periods(_ sql: String, _ arguments: StatementArguments) throws -> [Range<Date>] {
            try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                Date(millisecondsSince1970: $0["startsAt"])..<Date(millisecondsSince1970: $0["endsAt"])
            }
        }
        let timeOff = try periods("SELECT startsAt, endsAt FROM timeOff WHERE accountID = ? AND endsAt > ? AND startsAt < ?", [staffID, from, to])
        let booked = try periods("""
            SELECT startsAt, endsAt FROM appointment
            WHERE staffID = ? AND startsAt < ? AND endsAt > ? AND status IN ('scheduled', 'confirmed', 'started') AND id IS NOT ?
            """, [staffID, to, from, excluding])
        return SlotFinder(availability: try availability(document: document), timeOff: timeOff, booked: booked)
    }

    static func requireStaff(_ db: Database, _ accountID: Int64) throws {
        guard let role = try String.fetchOne(db, sql: "SELECT role FROM account WHERE id = ? AND active", arguments: [accountID]),
              role == Role.caregiver.rawValue || role == Role.technician.rawValue else {
            throw AppointmentError.notStaff(accountID)
        }
    }

    static func timeOff(_ row: Row) -> TimeOff {
        TimeOff(id: row["id"], accountID: row["accountID"], start: Date(millisecondsSince1970: row["startsAt"]),
                end: Date(millisecondsSince1970: row["endsAt"]), reason: row["reason"], createdAt: Date(millisecondsSince1970: row["createdAt"]))
    }
}
