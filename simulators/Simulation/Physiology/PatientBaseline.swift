/// A simulated patient at rest and well: the values the physiology varies around.
///
/// The defaults are an older adult recovering at home, every value scoring 0 on NEWS2 (Royal College of Physicians
/// 2017, chart 1).
public struct PatientBaseline: Sendable, Hashable {
    /// Resting heart rate, beats per minute.
    public var heartRate: Double = 72
    /// SpO2 on room air, percent.
    public var oxygenSaturation: Double = 96.5
    /// Daily mean core temperature, °C; the circadian rhythm swings around it.
    public var bodyTemperature: Double = 36.8
    /// Respiratory rate, breaths per minute.
    public var respiratoryRate: Double = 15
    /// Systolic pressure, mmHg.
    public var systolicPressure: Double = 126
    /// Diastolic pressure, mmHg.
    public var diastolicPressure: Double = 78
    /// Perfusion index at a fingertip, percent.
    public var perfusionIndex: Double = 3.5
    /// The local hour of day (0..<24) when the scenario starts; it sets the phase of the circadian rhythm.
    public var startHourOfDay: Double = 8
    /// Battery charge of the worn sensor at the start, percent.
    public var batteryPercent: Double = 86

    /// The default patient.
    public init() {}
}
