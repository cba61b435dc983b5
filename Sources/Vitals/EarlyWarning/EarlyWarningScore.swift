#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The National Early Warning Score 2 (Royal College of Physicians, 2017), exact to its chart 1.
///
/// Each of seven parameters scores 0–3; the aggregate and whether any single parameter scored 3 give the clinical
/// risk (chart 2: 0–4 low, a single 3 low–medium, 5–6 medium, 7 or more high). Values are rounded to the chart's
/// resolution before scoring: whole numbers, temperature to 0.1 °C (half away from zero).
///
/// With parameters missing the score says which, and gives no aggregate or risk: it never pretends to be complete.
/// ``partialTotal`` and ``minimumRisk`` tell what the parameters present already imply, since missing ones can
/// only add to the score.
public struct EarlyWarningScore: Sendable, Hashable {
    /// A NEWS2 parameter.
    public enum Parameter: String, Sendable, Hashable, CaseIterable, Codable {
        /// Respiration rate, breaths per minute.
        case respirationRate = "respiration-rate"
        /// SpO2 in percent, scored on the chosen ``SpO2Scale``.
        case oxygenSaturation = "spo2"
        /// Air or supplemental oxygen: oxygen scores 2, air 0.
        case supplementalOxygen = "air-or-oxygen"
        /// Systolic blood pressure, mmHg.
        case systolicBloodPressure = "systolic-bp"
        /// Pulse, beats per minute.
        case pulse
        /// Consciousness on the ACVPU scale.
        case consciousness
        /// Temperature, degrees Celsius.
        case temperature
    }

    /// Which SpO2 scale applies: scale 2 is for patients with hypercapnic respiratory failure (target 88–92 %),
    /// prescribed by a clinician.
    public enum SpO2Scale: Int, Sendable, Hashable, Codable {
        /// SpO2 scale 1, for all patients not prescribed scale 2.
        case scale1 = 1
        /// SpO2 scale 2: 88–92 % scores 0, and above 92 % scores only on oxygen (0 on air).
        case scale2 = 2
    }

    /// The ACVPU scale. Anything but alert scores 3.
    public enum Consciousness: String, Sendable, Hashable, Codable, CaseIterable {
        /// Alert (A): scores 0.
        case alert
        /// New confusion (C): new-onset or worsening confusion.
        case newConfusion = "new-confusion"
        /// Responds to voice (V).
        case voice
        /// Responds only to pain (P).
        case pain
        /// Unresponsive (U).
        case unresponsive
    }

    /// The clinical risk bands of NEWS2 chart 2.
    public enum ClinicalRisk: Int, Sendable, Hashable, Comparable, Codable, CaseIterable {
        /// Aggregate 0–4 with no single parameter scoring 3.
        case low
        /// A single parameter scoring 3, aggregate below 5: urgent ward-based response.
        case lowMedium
        /// Aggregate 5–6: urgent response.
        case medium
        /// Aggregate 7 or more: emergency response.
        case high

        public static func < (lhs: ClinicalRisk, rhs: ClinicalRisk) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The alarm priority an alert for this risk carries (none for low risk).
        public var alarmPriority: AlarmPriority? {
            switch self {
            case .low: nil
            case .lowMedium: .low
            case .medium: .medium
            case .high: .high
            }
        }
    }

    /// The observations scored. `nil` means not observed.
    public struct Observations: Sendable, Hashable {
        /// Breaths per minute.
        public var respirationRate: Double?
        /// SpO2 in percent, scored on ``scale``.
        public var oxygenSaturation: Double?
        /// `true` on supplemental oxygen, `false` on air.
        public var onOxygen: Bool?
        /// Systolic blood pressure in mmHg.
        public var systolicBloodPressure: Double?
        /// Beats per minute.
        public var pulse: Double?
        /// The ACVPU level, from a caregiver's observation (devices do not measure it).
        public var consciousness: Consciousness?
        /// Degrees Celsius.
        public var temperature: Double?
        /// The SpO2 scale to score on; on scale 2, SpO2 is left unscored without ``onOxygen``.
        public var scale: SpO2Scale

        /// Observations as given, in the units above; nothing is validated (impossible values score as extremes).
        public init(
            respirationRate: Double? = nil, oxygenSaturation: Double? = nil, onOxygen: Bool? = nil,
            systolicBloodPressure: Double? = nil, pulse: Double? = nil, consciousness: Consciousness? = nil,
            temperature: Double? = nil, scale: SpO2Scale = .scale1
        ) {
            self.respirationRate = respirationRate
            self.oxygenSaturation = oxygenSaturation
            self.onOxygen = onOxygen
            self.systolicBloodPressure = systolicBloodPressure
            self.pulse = pulse
            self.consciousness = consciousness
            self.temperature = temperature
            self.scale = scale
        }
    }

    /// The score of each parameter that was observed.
    public let parameterScores: [Parameter: Int]
    /// Parameters that were not observed, in chart order.
    public let missing: [Parameter]
    /// The SpO2 scale used.
    public let scale: SpO2Scale

    /// The sum of the scores present (a lower bound of the aggregate when parameters are missing).
    public var partialTotal: Int { parameterScores.values.reduce(0, +) }
    /// Whether every parameter was observed.
    public var isComplete: Bool { missing.isEmpty }
    /// The aggregate score; `nil` when a parameter is missing.
    public var total: Int? { isComplete ? partialTotal : nil }
    /// Whether any single parameter scored 3 (a "red score").
    public var hasSingleParameterScoreOf3: Bool { parameterScores.values.contains(3) }
    /// The clinical risk; `nil` when a parameter is missing.
    public var risk: ClinicalRisk? { isComplete ? minimumRisk : nil }
    /// The risk the observed parameters already imply; the missing ones can only raise it.
    public var minimumRisk: ClinicalRisk { Self.minimumRisk(of: parameterScores) }

    /// The risk that parameter scores imply by chart 2, treating absent parameters as scoring 0.
    static func minimumRisk(of scores: [Parameter: Int]) -> ClinicalRisk {
        let total = scores.values.reduce(0, +)
        if total >= 7 { return .high }
        if total >= 5 { return .medium }
        if scores.values.contains(3) { return .lowMedium }
        return .low
    }

    /// Scores `observations` by the NEWS2 chart.
    public init(_ observations: Observations) {
        scale = observations.scale
        var scores: [Parameter: Int] = [:]
        var missing: [Parameter] = []
        func record(_ parameter: Parameter, _ score: Int?) {
            if let score { scores[parameter] = score } else { missing.append(parameter) }
        }
        record(.respirationRate, observations.respirationRate.map { Self.respirationRateScore(Self.whole($0)) })
        record(.oxygenSaturation, observations.oxygenSaturation.flatMap { spo2 in
            switch observations.scale {
            case .scale1: Self.spo2Scale1Score(Self.whole(spo2))
            // Scale 2 scores above 92 % only by air or oxygen; without that the parameter cannot be scored.
            case .scale2: observations.onOxygen.map { Self.spo2Scale2Score(Self.whole(spo2), onOxygen: $0) }
            }
        })
        record(.supplementalOxygen, observations.onOxygen.map { $0 ? 2 : 0 })
        record(.systolicBloodPressure, observations.systolicBloodPressure.map { Self.systolicScore(Self.whole($0)) })
        record(.pulse, observations.pulse.map { Self.pulseScore(Self.whole($0)) })
        record(.consciousness, observations.consciousness.map { $0 == .alert ? 0 : 3 })
        record(.temperature, observations.temperature.map { Self.temperatureScore(Self.tenths($0)) })
        parameterScores = scores
        self.missing = missing
    }

    // MARK: Chart 1, one function per row. Arguments are in the chart's resolution.

    static func respirationRateScore(_ rate: Int) -> Int {
        switch rate {
        case ...8: 3
        case 9...11: 1
        case 12...20: 0
        case 21...24: 2
        default: 3
        }
    }

    static func spo2Scale1Score(_ spo2: Int) -> Int {
        switch spo2 {
        case ...91: 3
        case 92...93: 2
        case 94...95: 1
        default: 0
        }
    }

    static func spo2Scale2Score(_ spo2: Int, onOxygen: Bool) -> Int {
        switch (spo2, onOxygen) {
        case (...83, _): 3
        case (84...85, _): 2
        case (86...87, _): 1
        case (88...92, _): 0
        case (_, false): 0
        case (93...94, true): 1
        case (95...96, true): 2
        case (_, true): 3
        }
    }

    static func systolicScore(_ pressure: Int) -> Int {
        switch pressure {
        case ...90: 3
        case 91...100: 2
        case 101...110: 1
        case 111...219: 0
        default: 3
        }
    }

    static func pulseScore(_ pulse: Int) -> Int {
        switch pulse {
        case ...40: 3
        case 41...50: 1
        case 51...90: 0
        case 91...110: 1
        case 111...130: 2
        default: 3
        }
    }

    /// `tenths` is the temperature in tenths of a degree Celsius (36.1 °C is 361).
    static func temperatureScore(_ tenths: Int) -> Int {
        switch tenths {
        case ...350: 3
        case 351...360: 1
        case 361...380: 0
        case 381...390: 1
        default: 2
        }
    }

    static func whole(_ value: Double) -> Int {
        clampedInt(value.rounded(.toNearestOrAwayFromZero))
    }

    static func tenths(_ value: Double) -> Int {
        clampedInt((value * 10).rounded(.toNearestOrAwayFromZero))
    }

    /// Rounds without trapping on values no body produces (they score as extremes).
    private static func clampedInt(_ value: Double) -> Int {
        guard value.isFinite else { return value < 0 ? Int.min / 2 : Int.max / 2 }
        return Int(max(-1e9, min(1e9, value)))
    }
}

extension EarlyWarningScore {
    /// Scores the latest usable readings of each vital that are no older than `maximumAge` at `now`.
    ///
    /// Pulse is the fresher of heart rate and pulse rate. Air or oxygen, consciousness and the SpO2 scale are
    /// not measured by devices: they come from the patient's record or a caregiver's observation (`nil` leaves them
    /// missing).
    public init(
        latest readings: [Reading], now: Date, maximumAge: Duration, scale: SpO2Scale = .scale1,
        onOxygen: Bool? = nil, consciousness: Consciousness? = nil
    ) {
        var newest: [VitalKind: Reading] = [:]
        for reading in readings where reading.isUsable && reading.measuredAt <= now
            && now.duration(since: reading.measuredAt) <= maximumAge {
            if let current = newest[reading.kind], current.measuredAt >= reading.measuredAt { continue }
            newest[reading.kind] = reading
        }
        self.init(Observations(
            respirationRate: newest[.respiratoryRate]?.value,
            oxygenSaturation: newest[.oxygenSaturation]?.value,
            onOxygen: onOxygen,
            systolicBloodPressure: newest[.systolicBloodPressure]?.value,
            pulse: [newest[.heartRate], newest[.pulseRate]].compactMap { $0 }.max { $0.measuredAt < $1.measuredAt }?.value,
            consciousness: consciousness,
            temperature: newest[.bodyTemperature]?.value,
            scale: scale))
    }
}
