/// A patient's NEWS2 settings: the parts of the score that no device measures, entered by people.
///
/// Devices measure SpO2, pulse, respiration rate, blood pressure and temperature; whether the patient breathes air or
/// supplemental oxygen, their level of consciousness, and which SpO2 scale applies come from the patient's record or a
/// caregiver's observation. `nil` leaves a parameter unscored (missing), never assumed normal. The values do not
/// expire: a person replaces them through ``PatientAlerting/replaceEarlyWarningSettings(_:at:)``.
public struct EarlyWarningSettings: Sendable, Hashable, Codable {
    /// The SpO2 scale; scale 2 only when a clinician prescribes it (hypercapnic respiratory failure, target 88–92 %).
    public var scale: EarlyWarningScore.SpO2Scale
    /// `true` on supplemental oxygen, `false` on air, `nil` unknown. On scale 2, SpO2 is unscored while unknown.
    public var onOxygen: Bool?
    /// The ACVPU level a caregiver last observed; `nil` unknown.
    public var consciousness: EarlyWarningScore.Consciousness?
    /// The lowest risk band that raises a NEWS2 alert. Medium by default: low–medium is a single parameter scoring
    /// 3, an extreme value of one vital that its threshold rule already alerts on, so a NEWS2 alert for it would
    /// announce the same condition twice. NEWS2 adds what no single-vital rule sees: the aggregate of several
    /// moderately abnormal vitals.
    public var alertFrom: EarlyWarningScore.ClinicalRisk

    /// Settings as given; the defaults are scale 1 with air or oxygen and consciousness unknown, alerting from
    /// medium risk.
    public init(scale: EarlyWarningScore.SpO2Scale = .scale1, onOxygen: Bool? = nil, consciousness: EarlyWarningScore.Consciousness? = nil,
                alertFrom: EarlyWarningScore.ClinicalRisk = .medium) {
        self.scale = scale
        self.onOxygen = onOxygen
        self.consciousness = consciousness
        self.alertFrom = alertFrom
    }
}
