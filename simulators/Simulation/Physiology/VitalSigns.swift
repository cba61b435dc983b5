/// The patient's true physiological state at one moment: what an ideal device would measure.
///
/// Devices measure it with their own noise, resolution and artifacts; scenarios move it.
public struct VitalSigns: Sendable, Hashable {
    /// Heart rate, beats per minute.
    public var heartRate: Double
    /// Arterial oxygen saturation, percent.
    public var oxygenSaturation: Double
    /// Core body temperature, °C.
    public var bodyTemperature: Double
    /// Respiratory rate, breaths per minute. No simulated device transmits it (none of the emulated wire formats
    /// carries it); scenarios use it for heart-rate variability and tests use it for NEWS2.
    public var respiratoryRate: Double
    /// Systolic blood pressure, mmHg.
    public var systolicPressure: Double
    /// Diastolic blood pressure, mmHg.
    public var diastolicPressure: Double
    /// Perfusion index (pulsatile share of the optical signal), percent.
    public var perfusionIndex: Double

    /// Vital signs as given.
    public init(heartRate: Double, oxygenSaturation: Double, bodyTemperature: Double, respiratoryRate: Double,
                systolicPressure: Double, diastolicPressure: Double, perfusionIndex: Double) {
        self.heartRate = heartRate
        self.oxygenSaturation = oxygenSaturation
        self.bodyTemperature = bodyTemperature
        self.respiratoryRate = respiratoryRate
        self.systolicPressure = systolicPressure
        self.diastolicPressure = diastolicPressure
        self.perfusionIndex = perfusionIndex
    }

    /// Mean arterial pressure by the usual one-third rule, mmHg.
    public var meanArterialPressure: Double { diastolicPressure + (systolicPressure - diastolicPressure) / 3 }

    /// Keeps every value inside what a living body can show (SpO2 at most 100 %, nothing negative).
    func clampedToPhysiology() -> VitalSigns {
        VitalSigns(
            heartRate: min(max(heartRate, 25), 230),
            oxygenSaturation: min(max(oxygenSaturation, 50), 100),
            bodyTemperature: min(max(bodyTemperature, 30), 43),
            respiratoryRate: min(max(respiratoryRate, 4), 60),
            systolicPressure: min(max(systolicPressure, 50), 260),
            diastolicPressure: min(max(diastolicPressure, 25), 160),
            perfusionIndex: min(max(perfusionIndex, 0.05), 20))
    }
}

/// A change to vital signs, added to the patient's baseline: what a scenario does to the patient.
public struct VitalShift: Sendable, Hashable {
    /// Added to the heart rate, beats per minute.
    public var heartRate: Double = 0
    /// Added to SpO2, percentage points.
    public var oxygenSaturation: Double = 0
    /// Added to the body temperature, °C.
    public var bodyTemperature: Double = 0
    /// Added to the respiratory rate, breaths per minute.
    public var respiratoryRate: Double = 0
    /// Added to the systolic pressure, mmHg.
    public var systolicPressure: Double = 0
    /// Added to the diastolic pressure, mmHg.
    public var diastolicPressure: Double = 0
    /// Multiplies the perfusion index.
    public var perfusionFactor: Double = 1

    /// No change, or the changes given.
    public init(heartRate: Double = 0, oxygenSaturation: Double = 0, bodyTemperature: Double = 0,
                respiratoryRate: Double = 0, systolicPressure: Double = 0, diastolicPressure: Double = 0,
                perfusionFactor: Double = 1) {
        self.heartRate = heartRate
        self.oxygenSaturation = oxygenSaturation
        self.bodyTemperature = bodyTemperature
        self.respiratoryRate = respiratoryRate
        self.systolicPressure = systolicPressure
        self.diastolicPressure = diastolicPressure
        self.perfusionFactor = perfusionFactor
    }

    /// This shift scaled by `factor` (0 = none of it, 1 = all of it); the perfusion factor is interpolated.
    func scaled(by factor: Double) -> VitalShift {
        VitalShift(heartRate: heartRate * factor, oxygenSaturation: oxygenSaturation * factor,
                   bodyTemperature: bodyTemperature * factor, respiratoryRate: respiratoryRate * factor,
                   systolicPressure: systolicPressure * factor, diastolicPressure: diastolicPressure * factor,
                   perfusionFactor: 1 + (perfusionFactor - 1) * factor)
    }
}
