import Foundation
import GRDB
import Scheduling

extension AppDatabase {
    static let appointmentSelect = """
        SELECT ap.*, p.displayName AS patientName, a.displayName AS staffName
        FROM appointment ap JOIN patient p ON p.id = ap.patientID JOIN account a ON a.id = ap.staffID
        """

    /// Books `new` if its start is one of the staff member's free slots at `time`.
    ///
    /// The check and the insert are one write transaction, and the database has one writer: of concurrent requests
    /// for one slot exactly one gets it, and the others ``AppointmentError/slotTaken``.
    public func book(_ new: NewAppointment, at time: Date) async throws -> AppointmentRecord {
        try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM patient WHERE id = ?", arguments: [new.patientID]) == true else {
                throw AppointmentError.patientNotFound(new.patientID)
            }
            try Self.checkEligible(db, staffID: new.staffID, patientID: new.patientID, type: new.type)
            let slot = try Self.freeSlot(db, staffID: new.staffID, patientID: new.patientID, type: new.type, start: new.start, excluding: nil, now: time)
            let now = time.millisecondsSince1970
            let room = new.type == .videoConsultation ? Self.roomName() : nil
            try db.execute(sql: """
                INSERT INTO appointment (patientID, staffID, type, status, startsAt, endsAt, note, room, bookedBy, createdAt, updatedAt)
                VALUES (?, ?, ?, 'scheduled', ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [new.patientID, new.staffID, new.type.rawValue, slot.lowerBound.millisecondsSince1970, slot.upperBound.millisecondsSince1970,
                                 new.note, room, new.bookedBy, now, now])
            let id = db.lastInsertedRowID
            try Self.recordEvent(db, id, at: time, actorID: new.bookedBy, action: "booked", status: .scheduled, slot: slot, reason: nil)
            return try Self.appointment(db, id)
        }
    }

    /// Appointment `id`, with its history oldest first.
    public func appointment(id: Int64) async throws -> (record: AppointmentRecord, history: [AppointmentEvent])? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "\(Self.appointmentSelect) WHERE ap.id = ?", arguments: [id]) else { return nil }
            let history = try Row.fetchAll(db, sql: "SELECT * FROM appointmentEvent WHERE appointmentID = ? ORDER BY id", arguments: [id]).map {
                AppointmentEvent(id: $0["id"], at: Date(millisecondsSince1970: $0["at"]), actorID: $0["actorID"], action: $0["action"],
                                 status: AppointmentStatus(rawValue: $0["status"]) ?? .scheduled, start: Date(millisecondsSince1970: $0["startsAt"]),
                                 end: Date(millisecondsSince1970: $0["endsAt"]), reason: $0["reason"])
            }
            return (Self.appointment(row), history)
        }
    }

    /// The video consultation whose room is `room`.
    public func appointment(room: String) async throws -> AppointmentRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "\(Self.appointmentSelect) WHERE ap.room = ?", arguments: [room]).map(Self.appointment)
        }
    }

    /// Appointments in `scope` (of `patientID` only, if given) starting in `range`, in start order after the
    /// position `after` (a start in ms since 1970 and an id, as a cursor carries them).
    public func appointments(in scope: AppointmentScope, patientID: Int64? = nil, starting range: Range<Date>, statuses: Set<AppointmentStatus>?,
                             after: (startMilliseconds: Int64, id: Int64)?, limit: Int) async throws -> [AppointmentRecord] {
        try await writer.read { db in
            var conditions = ["ap.startsAt >= ?", "ap.startsAt < ?", "(ap.startsAt, ap.id) > (?, ?)", "(? IS NULL OR ap.patientID = ?)"]
            var arguments: StatementArguments = [range.lowerBound.millisecondsSince1970, range.upperBound.millisecondsSince1970,
                                                 after?.startMilliseconds ?? Int64.min, after?.id ?? 0, patientID, patientID]
            switch scope {
            case .all: break
            case .patient(let id):
                conditions.append("ap.patientID = ?")
                arguments += [id]
            case .staff(let id):
                conditions.append("ap.staffID = ?")
                arguments += [id]
            case .careTeam(let caregiverID):
                // Their own appointments too are with their care teams' patients: one who left a team sees none of its.
                conditions.append("ap.patientID IN (SELECT patientID FROM careTeamMembership WHERE caregiverID = ? AND until IS NULL)")
                arguments += [caregiverID]
            }
            if let statuses {
                conditions.append("ap.status IN (\(statuses.map { _ in "?" }.joined(separator: ", ")))")
                for status in statuses.sorted(by: { $0.rawValue < $1.rawValue }) { arguments += [status.rawValue] }
            }
            arguments += [limit]
            return try Row.fetchAll(db, sql: "\(Self.appointmentSelect) WHERE \(conditions.joined(separator: " AND ")) ORDER BY ap.startsAt, ap.id LIMIT ?",
                                    arguments: arguments).map(Self.appointment)
        }
    }

    /// Applies `action` (not a reschedule) to appointment `id` at `time`, recording who did it and why.
    public func changeAppointment(id: Int64, _ action: AppointmentAction, actorID: Int64, reason: String?, at time: Date) async throws -> AppointmentRecord {
        guard action != .reschedule else {
            throw AppointmentError.transition(AppointmentTransitionError(description: "a reschedule needs its new time"))
        }
        return try await writer.write { db in
            let record = try Self.appointment(db, id)
            let status: AppointmentStatus
            do {
                status = try record.status.after(action, start: record.start, now: time)
            } catch let error as AppointmentTransitionError {
                throw AppointmentError.transition(error)
            }
            try db.execute(sql: "UPDATE appointment SET status = ?, updatedAt = ? WHERE id = ?", arguments: [status.rawValue, time.millisecondsSince1970, id])
            try Self.recordEvent(db, id, at: time, actorID: actorID, action: action.rawValue, status: status, slot: record.start..<record.end, reason: reason)
            return try Self.appointment(db, id)
        }
    }

    /// Moves appointment `id` to another free slot of the same staff member starting at `start`; it is scheduled
    /// again (a confirmation was for the old time), and its revision goes up.
    public func reschedule(id: Int64, to start: Date, actorID: Int64, reason: String?, at time: Date) async throws -> AppointmentRecord {
        try await writer.write { db in
            let record = try Self.appointment(db, id)
            do {
                _ = try record.status.after(.reschedule, start: record.start, now: time)
            } catch let error as AppointmentTransitionError {
                throw AppointmentError.transition(error)
            }
            // The staff member must still be one the patient could book (on the care team, active).
            try Self.checkEligible(db, staffID: record.staffID, patientID: record.patientID, type: record.type)
            let slot = try Self.freeSlot(db, staffID: record.staffID, patientID: record.patientID, type: record.type, start: start, excluding: id, now: time)
            try db.execute(sql: "UPDATE appointment SET status = 'scheduled', startsAt = ?, endsAt = ?, revision = revision + 1, updatedAt = ? WHERE id = ?",
                           arguments: [slot.lowerBound.millisecondsSince1970, slot.upperBound.millisecondsSince1970, time.millisecondsSince1970, id])
            try Self.recordEvent(db, id, at: time, actorID: actorID, action: AppointmentAction.reschedule.rawValue, status: .scheduled, slot: slot, reason: reason)
            return try Self.appointment(db, id)
        }
    }

    // MARK: - Calendar feeds

    /// Makes `tokenHash` the calendar feed token of `accountID`, replacing (and so revoking) any earlier one.
    public func setCalendarFeed(accountID: Int64, tokenHash: String, at time: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO calendarFeed (accountID, tokenHash, createdAt) VALUES (?, ?, ?)
                ON CONFLICT (accountID) DO UPDATE SET tokenHash = excluded.tokenHash, createdAt = excluded.createdAt
                """, arguments: [accountID, tokenHash, time.millisecondsSince1970])
        }
    }

    /// Revokes the calendar feed of `accountID`; false when there was none.
    public func deleteCalendarFeed(accountID: Int64) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM calendarFeed WHERE accountID = ?", arguments: [accountID])
            return db.changesCount > 0
        }
    }

    /// When the calendar feed of `accountID` was made, if it has one.
    public func calendarFeedCreated(accountID: Int64) async throws -> Date? {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT createdAt FROM calendarFeed WHERE accountID = ?", arguments: [accountID]).map(Date.init(millisecondsSince1970:))
        }
    }

    /// The active account whose feed token hashes to `tokenHash`, and its appointments (as patient or as staff)
    /// that start after `since`, at most 2,000.
    public func calendarFeed(tokenHash: String, since: Date) async throws -> (account: Account, appointments: [AppointmentRecord])? {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.joinedAccountColumns) FROM calendarFeed f JOIN account a ON a.id = f.accountID WHERE f.tokenHash = ? AND a.active
                """, arguments: [tokenHash]) else { return nil }
            let account = Self.account(row)
            let appointments = try Row.fetchAll(db, sql: """
                \(Self.appointmentSelect) WHERE (ap.staffID = ? OR ap.patientID IS ?) AND ap.startsAt >= ? ORDER BY ap.startsAt, ap.id LIMIT 2000
                """, arguments: [account.id, account.patientID, since.millisecondsSince1970]).map(Self.appointment)
            return (account, appointments)
        }
    }

    // MARK: - Inside transactions

    /// The slot starting at `start` if it is offered and free, for the staff member and for the patient.
    static func freeSlot(_ db: Database, staffID: Int64, patientID: Int64, type: AppointmentType, start: Date, excluding: Int64?,
                         now: Date) throws -> Range<Date> {
        guard let finder = try slotFinder(db, staffID: staffID, around: start..<start.addingTimeInterval(86_400), excluding: excluding) else {
            throw AppointmentError.noAvailability(staffID)
        }
        guard let slot = finder.offers(type, at: start, now: now) else {
            throw AppointmentError.notASlot("\(start.formatted(.iso8601)) is not one of this person's \(type.title.lowercased()) slots (their slots list shows them)")
        }
        guard finder.isFree(slot) else { throw AppointmentError.slotTaken }
        if let clash = try Int64.fetchOne(db, sql: """
            SELECT id FROM appointment WHERE patientID = ? AND startsAt < ? AND endsAt > ? AND status IN ('scheduled', 'confirmed', 'started')
              AND id IS NOT ? LIMIT 1
            """, arguments: [patientID, slot.upperBound.millisecondsSince1970, slot.lowerBound.millisecondsSince1970, excluding]) {
            throw AppointmentError.patientBusy(clash)
        }
        return slot
    }

    /// Refuses a staff member who may not take a `type` appointment with the patient: a device check is with an
    /// active technician; anything else with an active caregiver on the patient's care team.
    static func checkEligible(_ db: Database, staffID: Int64, patientID: Int64, type: AppointmentType) throws {
        let role = try String.fetchOne(db, sql: "SELECT role FROM account WHERE id = ? AND active", arguments: [staffID])
        if type.needsTechnician {
            guard role == Role.technician.rawValue else { throw AppointmentError.staffNotEligible("a device check is with an active technician") }
        } else {
            guard role == Role.caregiver.rawValue,
                  try Bool.fetchOne(db, sql: "SELECT 1 FROM careTeamMembership WHERE caregiverID = ? AND patientID = ? AND until IS NULL",
                                    arguments: [staffID, patientID]) == true else {
                throw AppointmentError.staffNotEligible("a \(type.title.lowercased()) is with an active caregiver on the patient's care team")
            }
        }
    }

    static func appointment(_ db: Database, _ id: Int64) throws -> AppointmentRecord {
        guard let row = try Row.fetchOne(db, sql: "\(appointmentSelect) WHERE ap.id = ?", arguments: [id]) else { throw AppointmentError.appointmentNotFound(id) }
        return appointment(row)
    }

    static func appointment(_ row: Row) -> AppointmentRecord {
        AppointmentRecord(
            id: row["id"], patientID: row["patientID"], patientName: row["patientName"], staffID: row["staffID"], staffName: row["staffName"],
            type: AppointmentType(rawValue: row["type"]) ?? .clinicVisit, status: AppointmentStatus(rawValue: row["status"]) ?? .scheduled,
            start: Date(millisecondsSince1970: row["startsAt"]), end: Date(millisecondsSince1970: row["endsAt"]), note: row["note"], room: row["room"],
            revision: row["revision"], bookedBy: row["bookedBy"], createdAt: Date(millisecondsSince1970: row["createdAt"]),
            updatedAt: Date(millisecondsSince1970: row["updatedAt"]))
    }

    static func recordEvent(_ db: Database, _ id: Int64, at time: Date, actorID: Int64?, action: String, status: AppointmentStatus,
                            slot: Range<Date>, reason: String?) throws {
        try db.execute(sql: """
            INSERT INTO appointmentEvent (appointmentID, at, actorID, action, status, startsAt, endsAt, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, time.millisecondsSince1970, actorID, action, status.rawValue, slot.lowerBound.millisecondsSince1970,
                             slot.upperBound.millisecondsSince1970, reason])
    }

    /// A video room name: 128 random bits from the kernel's CSPRNG, in hex.
    static func roomName() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
