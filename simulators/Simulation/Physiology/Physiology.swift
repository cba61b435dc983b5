/// The patient's true vital signs over scenario time: baseline, circadian rhythm, slow random drift, and what the
/// scenario does. A pure function of the seed and the time asked for.
public struct Physiology: Sendable, Hashable {
    /// The patient at rest and well.
    public var baseline: PatientBaseline
    /// What the scenario does to the patient over time.
    public var course: ScenarioCourse
    let noise: SeededNoise

    /// The physiology of `baseline` under `course`, with drift drawn from `seed`.
    public init(baseline: PatientBaseline, course: ScenarioCourse, seed: UInt64) {
        self.baseline = baseline
        self.course = course
        self.noise = SeededNoise(seed: seed)
    }

    /// The true vital signs `time` into the scenario (scenario time, not wall time).
    public func vitals(at time: Duration) -> VitalSigns {
        let seconds = time.seconds
        let circadian = Circadian.phase(hourOfDay: Circadian.hourOfDay(startHour: baseline.startHourOfDay, after: seconds))
        let shift = course.shift(at: time, baseline: baseline)
        // Slow drift: a person's values wander by a few units over minutes even at rest.
        let heartDrift = 2.5 * noise.smooth(.heartRateDrift, at: seconds, period: 420)
        let oxygenDrift = 0.5 * noise.smooth(.oxygenSaturationDrift, at: seconds, period: 600)
        let temperatureDrift = 0.05 * noise.smooth(.temperatureDrift, at: seconds, period: 1800)
        let respiratoryDrift = 0.8 * noise.smooth(.respiratoryRateDrift, at: seconds, period: 600)
        let pressureDrift = 4 * noise.smooth(.bloodPressureDrift, at: seconds, period: 1200)
        let perfusionDrift = 1 + 0.15 * noise.smooth(.perfusionDrift, at: seconds, period: 300)
        return VitalSigns(
            heartRate: baseline.heartRate + Circadian.heartRateAmplitude * circadian + heartDrift + shift.heartRate,
            oxygenSaturation: baseline.oxygenSaturation + oxygenDrift + shift.oxygenSaturation,
            bodyTemperature: baseline.bodyTemperature + Circadian.temperatureAmplitude * circadian + temperatureDrift
                + shift.bodyTemperature,
            respiratoryRate: baseline.respiratoryRate + respiratoryDrift + shift.respiratoryRate,
            systolicPressure: baseline.systolicPressure + Circadian.systolicAmplitude * circadian + pressureDrift
                + shift.systolicPressure,
            diastolicPressure: baseline.diastolicPressure + Circadian.systolicAmplitude * 2 / 3 * circadian
                + pressureDrift * 0.6 + shift.diastolicPressure,
            perfusionIndex: baseline.perfusionIndex * perfusionDrift * shift.perfusionFactor
        ).clampedToPhysiology()
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
