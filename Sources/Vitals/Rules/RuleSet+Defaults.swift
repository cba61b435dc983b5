extension RuleSet {
    /// Threshold rules for an adult at home, before any per-patient override.
    ///
    /// The limits sit near the band edges of the NEWS2 chart (Royal College of Physicians 2017, chart 1), rounded to
    /// the numbers clinicians write on alarm settings and compared strictly ("below 90 %"): values NEWS2 scores 3
    /// lie in or next to the high bands, those it scores 2 near the medium bands. They are alarm limits for home
    /// monitoring, not NEWS2 itself, which ``EarlyWarningScore`` computes exactly to its chart. Continuously measured
    /// vitals (heart and pulse rate, SpO2, respiration) must stay past a limit for a sustain time, so a moving
    /// finger or a cough does not alarm; spot measurements (temperature, blood pressure) alarm on one reading.
    /// SpO2 limits assume NEWS2 scale 1; a patient with hypercapnic respiratory failure (scale 2, target 88–92 %)
    /// needs an override.
    public static let adultHomeDefaults: RuleSet = {
        func band(_ priority: AlarmPriority, _ limit: Double, seconds: Int64) -> ThresholdRule.Band {
            .init(priority: priority, limit: limit, sustain: .seconds(seconds))
        }
        let heartRateHigh: [ThresholdRule.Band] = [
            band(.low, 100, seconds: 600), band(.medium, 110, seconds: 120), band(.high, 130, seconds: 60),
        ]
        let heartRateLow: [ThresholdRule.Band] = [
            band(.low, 50, seconds: 300), band(.medium, 45, seconds: 120), band(.high, 40, seconds: 30),
        ]
        let rules: [ThresholdRule] = [
            ThresholdRule(
                id: "spo2-low", vital: .oxygenSaturation, direction: .below,
                bands: [band(.low, 94, seconds: 300), band(.medium, 92, seconds: 120), band(.high, 90, seconds: 60)],
                hysteresis: 2,
                rateOfChange: .init(priority: .low, change: 5, window: .seconds(300))),
            ThresholdRule(id: "heart-rate-high", vital: .heartRate, direction: .above, bands: heartRateHigh, hysteresis: 5, clearAfter: .seconds(60)),
            ThresholdRule(id: "heart-rate-low", vital: .heartRate, direction: .below, bands: heartRateLow, hysteresis: 3, clearAfter: .seconds(60)),
            ThresholdRule(id: "pulse-rate-high", vital: .pulseRate, direction: .above, bands: heartRateHigh, hysteresis: 5, clearAfter: .seconds(60)),
            ThresholdRule(id: "pulse-rate-low", vital: .pulseRate, direction: .below, bands: heartRateLow, hysteresis: 3, clearAfter: .seconds(60)),
            ThresholdRule(
                id: "respiratory-rate-high", vital: .respiratoryRate, direction: .above,
                bands: [band(.medium, 20, seconds: 120), band(.high, 24, seconds: 60)], hysteresis: 2, clearAfter: .seconds(60)),
            ThresholdRule(
                id: "respiratory-rate-low", vital: .respiratoryRate, direction: .below,
                bands: [band(.low, 12, seconds: 120), band(.high, 9, seconds: 60)], hysteresis: 2, clearAfter: .seconds(60)),
            ThresholdRule(
                id: "temperature-high", vital: .bodyTemperature, direction: .above,
                bands: [band(.low, 38.0, seconds: 0), band(.medium, 39.0, seconds: 0), band(.high, 40.0, seconds: 0)],
                hysteresis: 0.3, clearAfter: .zero, maximumGap: .seconds(6 * 3600)),
            ThresholdRule(
                id: "temperature-low", vital: .bodyTemperature, direction: .below,
                bands: [band(.low, 36.0, seconds: 0), band(.high, 35.0, seconds: 0)],
                hysteresis: 0.3, clearAfter: .zero, maximumGap: .seconds(6 * 3600)),
            ThresholdRule(
                id: "systolic-bp-low", vital: .systolicBloodPressure, direction: .below,
                bands: [band(.low, 110, seconds: 0), band(.medium, 100, seconds: 0), band(.high, 90, seconds: 0)],
                hysteresis: 5, clearAfter: .zero, maximumGap: .seconds(12 * 3600)),
            ThresholdRule(
                id: "systolic-bp-high", vital: .systolicBloodPressure, direction: .above,
                bands: [band(.low, 160, seconds: 0), band(.medium, 180, seconds: 0), band(.high, 220, seconds: 0)],
                hysteresis: 5, clearAfter: .zero, maximumGap: .seconds(12 * 3600)),
            ThresholdRule(
                id: "diastolic-bp-high", vital: .diastolicBloodPressure, direction: .above,
                bands: [band(.low, 100, seconds: 0), band(.medium, 110, seconds: 0), band(.high, 120, seconds: 0)],
                hysteresis: 5, clearAfter: .zero, maximumGap: .seconds(12 * 3600)),
        ]
        do {
            return try RuleSet(rules: rules)
        } catch {
            preconditionFailure("the built-in default rules are invalid: \(error)")
        }
    }()
}
