import Foundation
import Hub
import Hummingbird
import Scheduling

extension DTO {
    struct Appointment: ResponseEncodable, Sendable {
        var id: Int64
        var patientId: Int64
        /// Absent for a technician.
        var patientName: String?
        var staffId: Int64
        var staffName: String
        var type: AppointmentType
        var status: AppointmentStatus
        var start: Date
        var end: Date
        var note: String?
        /// A video consultation's room, for its signalling channel.
        var videoRoom: String?
        var revision: Int
        var bookedBy: Int64
        var createdAt: Date
        var updatedAt: Date

        /// The appointment as `session` may see it: a technician, who sees no patient records, gets neither the
        /// patient's name nor the note (which may be clinical).
        init(_ record: AppointmentRecord, for session: SessionState) {
            let clinical = session.account.role != .technician
            id = record.id
            patientId = record.patientID
            patientName = clinical ? record.patientName : nil
            staffId = record.staffID
            staffName = record.staffName
            type = record.type
            status = record.status
            start = record.start
            end = record.end
            note = clinical ? record.note : nil
            videoRoom = record.room
            revision = record.revision
            bookedBy = record.bookedBy
            createdAt = record.createdAt
            updatedAt = record.updatedAt
        }
    }

    struct AppointmentHistoryEntry: Encodable, Sendable {
        var id: Int64
        var at: Date
        var actorId: Int64?
        var action: String
        var status: AppointmentStatus
        var start: Date
        var end: Date
        var reason: String?
    }

    struct AppointmentDetail: ResponseEncodable, Sendable {
        var appointment: Appointment
        var history: [AppointmentHistoryEntry]
    }

    struct NewAppointment: Decodable {
        var patientId: Int64
        var staffId: Int64
        var type: AppointmentType
        var start: Date
        var note: String?

        enum CodingKeys: String, CodingKey { case patientId, staffId, type, start, note }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            patientId = try container.decode(Int64.self, forKey: .patientId)
            staffId = try container.decode(Int64.self, forKey: .staffId)
            type = try container.decode(AppointmentType.self, forKey: .type)
            start = try container.decode(Date.self, forKey: .start)
            note = try container.decodeUnlessAbsent(String.self, forKey: .note)
        }
    }

    struct CancelAppointment: Decodable {
        var reason: String
    }

    struct RescheduleAppointment: Decodable {
        var start: Date
        var reason: String?

        enum CodingKeys: String, CodingKey { case start, reason }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            start = try container.decode(Date.self, forKey: .start)
            reason = try container.decodeUnlessAbsent(String.self, forKey: .reason)
        }
    }

    struct Availability: ResponseEncodable, Sendable {
        var accountId: Int64
        var availability: AvailabilityDocument?
        var updatedAt: Date?
    }

    struct TimeOff: ResponseEncodable, Sendable {
        var id: Int64
        var accountId: Int64
        var start: Date
        var end: Date
        var reason: String?
        var createdAt: Date

        init(_ record: Hub.TimeOff) {
            id = record.id
            accountId = record.accountID
            start = record.start
            end = record.end
            reason = record.reason
            createdAt = record.createdAt
        }
    }

    struct TimeOffList: ResponseEncodable, Sendable {
        var items: [TimeOff]
    }

    struct NewTimeOff: Decodable {
        var start: Date
        var end: Date
        var reason: String?

        enum CodingKeys: String, CodingKey { case start, end, reason }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            start = try container.decode(Date.self, forKey: .start)
            end = try container.decode(Date.self, forKey: .end)
            reason = try container.decodeUnlessAbsent(String.self, forKey: .reason)
        }
    }

    struct Slot: Encodable, Sendable {
        var start: Date
        var end: Date
    }

    struct Slots: ResponseEncodable, Sendable {
        var staffId: Int64
        var type: AppointmentType
        var minutes: Int
        var timeZone: String
        var items: [Slot]
    }

    struct BookableStaffMember: Encodable, Sendable {
        var id: Int64
        var displayName: String
        var role: Role
        var title: String?
        var types: [AppointmentType]
    }

    struct BookableStaff: ResponseEncodable, Sendable {
        var patientId: Int64
        var items: [BookableStaffMember]
    }

    struct CalendarFeed: ResponseEncodable, Sendable {
        var active: Bool
        var createdAt: Date?
        /// Only in the answer that made the feed: the hub keeps no copy of the token.
        var url: String?
    }
}

extension APIError {
    /// The API's answer to a refused booking or change.
    init(_ error: AppointmentError) {
        switch error {
        case .staffNotEligible, .noAvailability: self = .invalid("staffId", error.description)
        case .notASlot: self = .invalid("start", error.description)
        case .slotTaken, .patientBusy, .transition: self = .conflict(error.description)
        case .patientNotFound(let id): self = .notFound("patient \(id)")
        case .notStaff(let id): self = .notFound("staff member \(id)")
        case .appointmentNotFound(let id): self = .notFound("appointment \(id)")
        }
    }
}
