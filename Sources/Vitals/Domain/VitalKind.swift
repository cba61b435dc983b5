/// A kind of vital sign or body measurement that SilverWatch monitors.
///
/// Each kind carries its LOINC code, its canonical UCUM unit (every ``Reading`` of the kind is stored in that unit)
/// and the range of values a living adult can physiologically produce. A value outside that range is an artifact
/// (a sensor fault, a finger out of the clip, a transmission error): it is flagged and never raises a
/// physiological alarm.
public enum VitalKind: String, CaseIterable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// Heart rate in beats per minute (as distinct from the pulse oximeter's ``pulseRate``).
    case heartRate = "heart-rate"
    /// Pulse rate measured by a pulse oximeter (distinct from the ECG-derived heart rate).
    case pulseRate = "pulse-rate"
    /// Peripheral oxygen saturation (SpO2) by pulse oximetry.
    case oxygenSaturation = "spo2"
    /// Body temperature in degrees Celsius.
    case bodyTemperature = "body-temperature"
    /// Respiratory rate in breaths per minute.
    case respiratoryRate = "respiratory-rate"
    /// Systolic blood pressure in mmHg.
    case systolicBloodPressure = "systolic-bp"
    /// Diastolic blood pressure in mmHg.
    case diastolicBloodPressure = "diastolic-bp"
    /// Mean arterial pressure in mmHg.
    case meanBloodPressure = "mean-bp"
    /// Perfusion index from a pulse oximeter: pulsatile over non-pulsatile signal, in percent.
    case perfusionIndex = "perfusion-index"
    /// Movement intensity from a body-worn accelerometer, in g (standard gravity).
    case activity = "activity"
    /// A detected fall; the value is always 1 (one event).
    case fallEvent = "fall"

    /// A human-readable name, as shown to caregivers.
    public var displayName: String {
        switch self {
        case .heartRate: "Heart rate"
        case .pulseRate: "Pulse rate"
        case .oxygenSaturation: "SpO2"
        case .bodyTemperature: "Body temperature"
        case .respiratoryRate: "Respiratory rate"
        case .systolicBloodPressure: "Systolic blood pressure"
        case .diastolicBloodPressure: "Diastolic blood pressure"
        case .meanBloodPressure: "Mean arterial pressure"
        case .perfusionIndex: "Perfusion index"
        case .activity: "Activity"
        case .fallEvent: "Fall"
        }
    }

    public var description: String { displayName }

    /// The coded concept for this kind: LOINC where LOINC has one, otherwise SNOMED CT.
    ///
    /// Codes from the FHIR R4 vital-signs profile (hl7.org/fhir/R4/observation-vitalsigns.html) where it names
    /// one; perfusion index is LOINC 61006-3; a fall is an event, coded with SNOMED CT 1912002 "Fall (event)".
    /// LOINC has no code for movement intensity from a body-worn accelerometer (its activity codes are step counts
    /// and questionnaires), so activity carries a local SilverWatch code rather than a misleading LOINC one.
    public var code: ClinicalCode {
        switch self {
        case .heartRate: .loinc("8867-4", "Heart rate")
        case .pulseRate: .loinc("8889-8", "Heart rate by Pulse oximetry")
        case .oxygenSaturation: .loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry")
        case .bodyTemperature: .loinc("8310-5", "Body temperature")
        case .respiratoryRate: .loinc("9279-1", "Respiratory rate")
        case .systolicBloodPressure: .loinc("8480-6", "Systolic blood pressure")
        case .diastolicBloodPressure: .loinc("8462-4", "Diastolic blood pressure")
        case .meanBloodPressure: .loinc("8478-0", "Mean blood pressure")
        case .perfusionIndex: .loinc("61006-3", "Perfusion index Tissue by Pulse oximetry")
        case .activity: .local("activity-intensity", "Movement intensity from a body-worn accelerometer")
        case .fallEvent: .snomed("1912002", "Fall (event)")
        }
    }

    /// Further codes for the same concept that interoperating systems expect alongside ``code``: FHIR's vital-signs
    /// profile requires SpO2 to carry 2708-6 as well as the pulse-oximetry code 59408-5.
    public var additionalCodes: [ClinicalCode] {
        switch self {
        case .oxygenSaturation: [.loinc("2708-6", "Oxygen saturation in Arterial blood")]
        default: []
        }
    }

    /// The canonical unit: readings of this kind are always stored and compared in it.
    public var unit: UnitOfMeasure {
        switch self {
        case .heartRate, .pulseRate: .beatsPerMinute
        case .respiratoryRate: .breathsPerMinute
        case .oxygenSaturation, .perfusionIndex: .percent
        case .bodyTemperature: .celsius
        case .systolicBloodPressure, .diastolicBloodPressure, .meanBloodPressure: .millimetresOfMercury
        case .activity: .standardGravity
        case .fallEvent: .count
        }
    }

    /// Values a living adult can physiologically present, in ``unit``. Outside it a value is an artifact.
    ///
    /// Deliberately wide: these bounds reject what cannot be a body (SpO2 130 %, heart rate 400/min,
    /// 50 °C), not what is merely alarming. Alarm limits live in ``ThresholdRule``s.
    public var plausibleRange: ClosedRange<Double> {
        switch self {
        case .heartRate, .pulseRate: 20...300
        case .oxygenSaturation: 40...100
        case .bodyTemperature: 25...45
        case .respiratoryRate: 2...80
        case .systolicBloodPressure: 40...300
        case .diastolicBloodPressure: 15...200
        case .meanBloodPressure: 25...250
        case .perfusionIndex: 0.01...30
        case .activity: 0...16
        case .fallEvent: 1...1
        }
    }
}

/// A code from a clinical terminology, with its display text.
public struct ClinicalCode: Sendable, Hashable, Codable {
    /// The terminology's canonical URI, as FHIR uses it.
    public var system: String
    /// The code within ``system``, e.g. LOINC `8867-4`.
    public var code: String
    /// The display text for the code, as shown to people.
    public var display: String

    /// A code as given; nothing is checked against the terminology.
    public init(system: String, code: String, display: String) {
        self.system = system
        self.code = code
        self.display = display
    }

    /// A LOINC code (system `http://loinc.org`).
    public static func loinc(_ code: String, _ display: String) -> ClinicalCode {
        ClinicalCode(system: "http://loinc.org", code: code, display: display)
    }

    /// A code in SilverWatch's own code system, for concepts no standard terminology names.
    public static func local(_ code: String, _ display: String) -> ClinicalCode {
        ClinicalCode(system: "urn:silverwatch:code", code: code, display: display)
    }

    /// A SNOMED CT code (system `http://snomed.info/sct`).
    public static func snomed(_ code: String, _ display: String) -> ClinicalCode {
        ClinicalCode(system: "http://snomed.info/sct", code: code, display: display)
    }
}
