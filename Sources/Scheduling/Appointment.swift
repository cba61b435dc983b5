import Foundation

/// What kind of appointment, and so where it happens and with whom.
public enum AppointmentType: String, Sendable, Hashable, Codable, CaseIterable {
    case homeVisit = "home-visit"
    case clinicVisit = "clinic-visit"
    case videoConsultation = "video-consultation"
    /// A technician checks the patient's devices at home.
    case deviceCheck = "device-check"

    /// The hours it needs.
    public var location: Location {
        switch self {
        case .homeVisit, .deviceCheck: .home
        case .clinicVisit: .clinic
        case .videoConsultation: .video
        }
    }

    /// Whether it is with a technician rather than a caregiver.
    public var needsTechnician: Bool { self == .deviceCheck }

    /// Its length unless the person's availability says otherwise.
    public var defaultMinutes: Int {
        switch self {
        case .homeVisit: 45
        case .clinicVisit: 30
        case .videoConsultation: 20
        case .deviceCheck: 30
        }
    }

    /// How it reads to a person (and in calendar feeds, which carry nothing clinical).
    public var title: String {
        switch self {
        case .homeVisit: "Home visit"
        case .clinicVisit: "Clinic visit"
        case .videoConsultation: "Video consultation"
        case .deviceCheck: "Device check"
        }
    }
}

/// Where an appointment is in its life: scheduled → confirmed → started → completed, or cancelled / no-show.
public enum AppointmentStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case scheduled, confirmed, started, completed, cancelled
    case noShow = "no-show"

    /// Still ahead: it holds its time, and may be confirmed, rescheduled or cancelled.
    public var isPending: Bool { self == .scheduled || self == .confirmed }
    /// It holds its time against other bookings.
    public var holdsTime: Bool { isPending || self == .started }
}

/// What a person does to an appointment.
public enum AppointmentAction: String, Sendable, Hashable, CaseIterable {
    case confirm, start, complete, cancel, markNoShow = "no-show", reschedule
}

extension AppointmentAction {
    /// The action done, as a sentence ends: "cannot be …".
    public var pastTense: String {
        switch self {
        case .confirm: "confirmed"
        case .start: "started"
        case .complete: "completed"
        case .cancel: "cancelled"
        case .markNoShow: "marked a no-show"
        case .reschedule: "rescheduled"
        }
    }
}

/// An action the appointment's state does not allow (answered as 409).
public struct AppointmentTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

extension AppointmentStatus {
    /// How early before its start an appointment may be started.
    public static let earliestStart: TimeInterval = 15 * 60

    /// The status after `action` at `now`, for an appointment starting at `start`; or why the action is refused.
    public func after(_ action: AppointmentAction, start: Date, now: Date) throws(AppointmentTransitionError) -> AppointmentStatus {
        switch (action, self) {
        case (.confirm, .scheduled): return .confirmed
        case (.reschedule, _) where isPending: return .scheduled
        case (.cancel, _) where isPending: return .cancelled
        case (.start, _) where isPending:
            guard now >= start.addingTimeInterval(-Self.earliestStart) else {
                throw AppointmentTransitionError(description: "an appointment can be started from 15 minutes before its time")
            }
            return .started
        case (.markNoShow, _) where isPending:
            guard now >= start else { throw AppointmentTransitionError(description: "a no-show is recorded once the appointment's time has come") }
            return .noShow
        case (.complete, .started): return .completed
        default:
            throw AppointmentTransitionError(description: "a \(rawValue) appointment cannot be \(action.pastTense)")
        }
    }
}
