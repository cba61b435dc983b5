#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EarlyWarningTracker.Evaluation {
    /// The evidence of a NEWS2 alert: a sentence a caregiver reads, the readings scored (at most one per measured
    /// parameter, in chart order), and the figures as data.
    ///
    /// `details` holds each scored parameter's score under its ``EarlyWarningScore/Parameter`` raw value (`spo2`:
    /// `3`), `partialTotal`, `missing` (raw values, comma-separated, chart order), `scale` (`1` or `2`) and
    /// `minimumRisk`. A tracker resuming the alert reads the scores back.
    func evidence(priority: AlarmPriority, since: Date, readingCount: Int) -> AlertEvidence {
        var details: [String: String] = [:]
        for (parameter, value) in score.parameterScores { details[parameter.rawValue] = String(value) }
        details["partialTotal"] = String(score.partialTotal)
        details["missing"] = score.missing.map(\.rawValue).joined(separator: ",")
        details["scale"] = String(score.scale.rawValue)
        details["minimumRisk"] = Self.name(of: score.minimumRisk)
        let readings = scoredReadings
        return AlertEvidence(
            summary: summary, priority: priority, vital: nil, since: since, readings: readings,
            readingCount: max(readingCount, readings.count), details: details)
    }

    /// "NEWS2 at least 7 (high risk): SpO2 88 % scores 3, pulse 131 /min scores 3, temperature 39.2 °C scores 1;
    /// respiration rate, air or oxygen, systolic BP and consciousness not observed"
    var summary: String {
        var scored: [String] = []
        for parameter in EarlyWarningScore.Parameter.allCases {
            guard let points = score.parameterScores[parameter] else { continue }
            scored.append("\(observed(parameter)) scores \(points)")
        }
        let missing = score.missing.map { parameter in
            parameter == .oxygenSaturation && measured[parameter] != nil
                ? "SpO2 (scale 2 needs air or oxygen)" : Self.name(of: parameter)
        }
        let lowerBound = score.isComplete ? "" : "at least "
        var text = "NEWS2 \(lowerBound)\(score.partialTotal) (\(Self.name(of: score.minimumRisk)) risk)"
        if !scored.isEmpty { text += ": " + scored.joined(separator: ", ") }
        if !missing.isEmpty { text += (scored.isEmpty ? ": " : "; ") + Self.list(missing) + " not observed" }
        return text
    }

    /// A scored parameter with its value, at the chart's resolution: "SpO2 88 %", "oxygen", "consciousness V".
    private func observed(_ parameter: EarlyWarningScore.Parameter) -> String {
        switch parameter {
        case .supplementalOxygen:
            return settings.onOxygen == true ? "oxygen" : "air"
        case .consciousness:
            return "consciousness " + (settings.consciousness.map(Self.letter) ?? "?")
        case .temperature:
            let tenths = measured[parameter].map { EarlyWarningScore.tenths($0.value) } ?? 0
            return "temperature \(tenths / 10).\(abs(tenths % 10)) °C"
        case .respirationRate, .oxygenSaturation, .systolicBloodPressure, .pulse:
            let unit = switch parameter {
            case .oxygenSaturation: "%"
            case .systolicBloodPressure: "mmHg"
            default: "/min"
            }
            let value = measured[parameter].map { String(EarlyWarningScore.whole($0.value)) } ?? "?"
            return "\(Self.name(of: parameter)) \(value) \(unit)"
        }
    }

    private static func name(of parameter: EarlyWarningScore.Parameter) -> String {
        switch parameter {
        case .respirationRate: "respiration rate"
        case .oxygenSaturation: "SpO2"
        case .supplementalOxygen: "air or oxygen"
        case .systolicBloodPressure: "systolic BP"
        case .pulse: "pulse"
        case .consciousness: "consciousness"
        case .temperature: "temperature"
        }
    }

    private static func name(of risk: EarlyWarningScore.ClinicalRisk) -> String {
        switch risk {
        case .low: "low"
        case .lowMedium: "low-medium"
        case .medium: "medium"
        case .high: "high"
        }
    }

    /// The ACVPU letter a caregiver charts.
    private static func letter(_ level: EarlyWarningScore.Consciousness) -> String {
        switch level {
        case .alert: "A"
        case .newConfusion: "C"
        case .voice: "V"
        case .pain: "P"
        case .unresponsive: "U"
        }
    }

    /// "a", "a and b", "a, b and c".
    private static func list(_ items: [String]) -> String {
        guard let last = items.last, items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}
