import Foundation
import Vitals

/// A monitored person: minimal demographics, conditions, and what NEWS2 needs to score them.
public struct Patient: Sendable, Hashable {
    public var id: Int64
    public var displayName: String
    public var yearOfBirth: Int?
    /// Conditions the care team wants in view ("COPD", "heart failure"), free text.
    public var conditions: [String]
    /// NEWS2 SpO2 scale: 1, or 2 for confirmed hypercapnic respiratory failure (RCP 2017, chart 1).
    public var spo2Scale: Int
    /// On supplemental oxygen (NEWS2 scores 2 for it).
    public var onOxygen: Bool
    /// The ACVPU level a caregiver last recorded; nil: unknown (NEWS2 leaves it unscored).
    public var consciousness: EarlyWarningScore.Consciousness?
    public var createdAt: Date

    /// What NEWS2 needs to score this patient, from the record.
    public var earlyWarningSettings: EarlyWarningSettings {
        EarlyWarningSettings(scale: spo2Scale == 2 ? .scale2 : .scale1, onOxygen: onOxygen, consciousness: consciousness)
    }
}

/// A change to a patient record: nil leaves a field as it is.
public struct PatientChanges: Sendable, Hashable {
    public var displayName: String?
    /// `.some(nil)` clears the year of birth.
    public var yearOfBirth: Int??
    public var conditions: [String]?
    public var spo2Scale: Int?
    public var onOxygen: Bool?
    /// `.some(nil)` records consciousness as unknown.
    public var consciousness: EarlyWarningScore.Consciousness??

    public init(displayName: String? = nil, yearOfBirth: Int?? = nil, conditions: [String]? = nil, spo2Scale: Int? = nil, onOxygen: Bool? = nil,
                consciousness: EarlyWarningScore.Consciousness?? = nil) {
        self.consciousness = consciousness
        self.displayName = displayName
        self.yearOfBirth = yearOfBirth
        self.conditions = conditions
        self.spo2Scale = spo2Scale
        self.onOxygen = onOxygen
    }
}

/// Which patients a query may return: decided by the caller's role before it reaches the database.
public enum PatientScope: Sendable, Hashable {
    case all
    /// The patients on this caregiver's care teams now.
    case careTeam(caregiverID: Int64)
    case only(patientID: Int64)
    case none
}

/// A caregiver's place on a patient's care team, current (`until` nil) or past.
public struct CareTeamMembership: Sendable, Hashable {
    public var patientID: Int64
    public var caregiver: Account
    public var since: Date
    public var until: Date?
}
