import Foundation
import Scheduling

/// A booked appointment, as stored.
public struct AppointmentRecord: Sendable, Hashable {
    public var id: Int64
    public var patientID: Int64
    public var patientName: String
    /// The caregiver or technician it is with.
    public var staffID: Int64
    public var staffName: String
    public var type: AppointmentType
    public var status: AppointmentStatus
    public var start: Date
    public var end: Date
    /// What the booker wrote about it, for the participants (never in calendar feeds).
    public var note: String?
    /// A video consultation's room: the participants' signalling channel.
    public var room: String?
    /// How many times it was rescheduled.
    public var revision: Int
    public var bookedBy: Int64
    public var createdAt: Date
    public var updatedAt: Date
}

/// One change to an appointment: the status and times after it, and who made it.
public struct AppointmentEvent: Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var actorID: Int64?
    /// `booked`, or an ``AppointmentAction`` raw value.
    public var action: String
    public var status: AppointmentStatus
    public var start: Date
    public var end: Date
    /// A cancellation's or reschedule's reason.
    public var reason: String?
}

/// An appointment to book.
public struct NewAppointment: Sendable, Hashable {
    public var patientID: Int64
    public var staffID: Int64
    public var type: AppointmentType
    public var start: Date
    public var note: String?
    public var bookedBy: Int64

    public init(patientID: Int64, staffID: Int64, type: AppointmentType, start: Date, note: String?, bookedBy: Int64) {
        self.patientID = patientID
        self.staffID = staffID
        self.type = type
        self.start = start
        self.note = note
        self.bookedBy = bookedBy
    }
}

/// A period a caregiver or technician is away: no slots are offered in it.
public struct TimeOff: Sendable, Hashable {
    public var id: Int64
    public var accountID: Int64
    public var start: Date
    public var end: Date
    public var reason: String?
    public var createdAt: Date
}

/// Which appointments a list shows.
public enum AppointmentScope: Sendable, Hashable {
    case all
    /// One patient's.
    case patient(Int64)
    /// Those with this caregiver or technician.
    case staff(Int64)
    /// Those of the patients on a caregiver's care teams now (their own among them).
    case careTeam(caregiverID: Int64)
}

/// Why a booking or a change was refused.
public enum AppointmentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The staff member does not exist, is inactive, or has the wrong role or relation for this type (422, `staffId`).
    case staffNotEligible(String)
    /// No account `id`, or not an active caregiver or technician (404 for a staff member's own resources).
    case notStaff(Int64)
    /// The staff member has no availability set up (422, `staffId`).
    case noAvailability(Int64)
    /// The start is not one of the staff member's slots even when free (422, `start`).
    case notASlot(String)
    /// The slot was free but is taken now (409).
    case slotTaken
    /// The patient has another appointment at that time (409).
    case patientBusy(Int64)
    case patientNotFound(Int64)
    case appointmentNotFound(Int64)
    /// The appointment's status does not allow the action (409).
    case transition(AppointmentTransitionError)

    public var description: String {
        switch self {
        case .staffNotEligible(let why): why
        case .notStaff(let id): "account \(id) is not an active caregiver or technician"
        case .noAvailability(let id): "account \(id) has no availability set up"
        case .notASlot(let why): why
        case .slotTaken: "this time was just booked by someone else: choose another slot"
        case .patientBusy(let id): "the patient already has appointment \(id) at that time"
        case .patientNotFound(let id): "there is no patient \(id)"
        case .appointmentNotFound(let id): "there is no appointment \(id)"
        case .transition(let error): error.description
        }
    }
}
