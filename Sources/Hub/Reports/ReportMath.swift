import Foundation
import Vitals

/// The figures reports are made of, as pure functions.
public enum ReportMath {
    /// The `p`th percentile of `sorted` (ascending) by the nearest-rank method: the smallest value with at least
    /// `p` % of the values at or below it. Nil for no values.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The median of `values` (the mean of the middle two for an even count). Nil for none.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The share of `period` a link was up, from its changes: `initial` is its state when the period began (nil:
    /// unknown), `changes` each change (time, up) in time order. Time whose state is unknown counts neither way;
    /// nil when none is known.
    public static func uptime(initial: Bool?, changes: [(at: Date, up: Bool)], period: Range<Date>) -> Double? {
        var state = initial
        var cursor = period.lowerBound
        var up: TimeInterval = 0
        var known: TimeInterval = 0
        for change in changes where change.at < period.upperBound {
            let at = max(change.at, period.lowerBound)
            if let state, at > cursor {
                known += at.timeIntervalSince(cursor)
                if state { up += at.timeIntervalSince(cursor) }
            }
            cursor = max(cursor, at)
            state = change.up
        }
        if let state, period.upperBound > cursor {
            known += period.upperBound.timeIntervalSince(cursor)
            if state { up += period.upperBound.timeIntervalSince(cursor) }
        }
        return known > 0 ? up / known : nil
    }

    /// The NEWS2 points `value` of `kind` scores alone (RCP 2017, chart 1), with the patient's settings; nil for a
    /// vital NEWS2 does not score. Zero points is the chart's normal range: what "time in range" counts.
    public static func news2Points(_ kind: VitalKind, _ value: Double, settings: EarlyWarningSettings) -> Int? {
        var observations = EarlyWarningScore.Observations(onOxygen: settings.onOxygen, scale: settings.scale)
        let parameter: EarlyWarningScore.Parameter
        switch kind {
        case .respiratoryRate: (observations.respirationRate, parameter) = (value, .respirationRate)
        case .oxygenSaturation: (observations.oxygenSaturation, parameter) = (value, .oxygenSaturation)
        case .systolicBloodPressure: (observations.systolicBloodPressure, parameter) = (value, .systolicBloodPressure)
        case .heartRate, .pulseRate: (observations.pulse, parameter) = (value, .pulse)
        case .bodyTemperature: (observations.temperature, parameter) = (value, .temperature)
        default: return nil
        }
        return EarlyWarningScore(observations).parameterScores[parameter]
    }

    /// How many clock minutes the spans (start and end in milliseconds since 1970, sorted by start) touch, each
    /// counted once however many spans overlap it.
    static func minutesTouched(by spans: [(start: Int64, end: Int64)]) -> Int {
        var minutes = 0
        var lastCounted = Int64.min
        for (start, end) in spans where end > start {
            let first = max(start.floorDivided(by: 60_000), lastCounted + 1)
            let last = (end - 1).floorDivided(by: 60_000)
            guard last >= first else { continue }
            minutes += Int(last - first + 1)
            lastCounted = last
        }
        return minutes
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (times before 1970 are negative).
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
