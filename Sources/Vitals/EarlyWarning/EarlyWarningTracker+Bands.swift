#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension EarlyWarningTracker {
    /// One scoring of the fresh readings, and what it says about each risk band.
    struct Evaluation: Sendable {
        let time: Date
        let settings: EarlyWarningSettings
        /// The fresh reading of each measured parameter, scored or not (SpO2 on scale 2 without air or oxygen is not).
        let measured: [EarlyWarningScore.Parameter: Reading]
        let score: EarlyWarningScore
        /// The risk implied by spot measurements and people's observations alone.
        let spotRisk: ClinicalRisk
        /// The fresh scores over the last known ones of parameters now missing.
        let knownScores: [EarlyWarningScore.Parameter: Int]

        typealias ClinicalRisk = EarlyWarningScore.ClinicalRisk

        init(time: Date, measured: [EarlyWarningScore.Parameter: Reading], settings: EarlyWarningSettings,
             lastKnown: [EarlyWarningScore.Parameter: Int]) {
            self.time = time
            self.settings = settings
            self.measured = measured
            score = EarlyWarningScore(.init(
                respirationRate: measured[.respirationRate]?.value, oxygenSaturation: measured[.oxygenSaturation]?.value,
                onOxygen: settings.onOxygen, systolicBloodPressure: measured[.systolicBloodPressure]?.value,
                pulse: measured[.pulse]?.value, consciousness: settings.consciousness,
                temperature: measured[.temperature]?.value, scale: settings.scale))
            spotRisk = EarlyWarningScore(.init(
                onOxygen: settings.onOxygen, systolicBloodPressure: measured[.systolicBloodPressure]?.value,
                consciousness: settings.consciousness, temperature: measured[.temperature]?.value, scale: settings.scale)).minimumRisk
            knownScores = lastKnown.merging(score.parameterScores) { $1 }
        }

        /// The readings scored, in chart order.
        var scoredReadings: [Reading] {
            EarlyWarningScore.Parameter.allCases.compactMap { score.parameterScores[$0] == nil ? nil : measured[$0] }
        }

        /// Whether fresh data shows the band, cannot tell (what it rested on is missing), or shows it below.
        func result(for risk: ClinicalRisk) -> Level.Result {
            if score.minimumRisk >= risk { return .met }
            if EarlyWarningScore.minimumRisk(of: knownScores) >= risk || score.parameterScores.isEmpty { return .unknown }
            return .clears
        }
    }

    /// One risk band's sustain and clearing.
    struct Level: Sendable, Hashable {
        enum Phase: Sendable, Hashable {
            case inactive
            /// Shown since `since`; the latest reading showing it was at `lastMet`.
            case pending(since: Date, lastMet: Date)
            case active(since: Date)
            /// Active since `since`, below since `clearingSince`.
            case clearing(since: Date, clearingSince: Date)
        }

        enum Result: Sendable, Hashable {
            case met, unknown, clears
        }

        static let bands: [Level] = [
            Level(risk: .lowMedium, priority: .low), Level(risk: .medium, priority: .medium), Level(risk: .high, priority: .high),
        ]

        let risk: EarlyWarningScore.ClinicalRisk
        let priority: AlarmPriority
        var phase: Phase = .inactive

        var isHeld: Bool {
            switch phase {
            case .active, .clearing: true
            case .inactive, .pending: false
            }
        }

        var startedAt: Date? {
            switch phase {
            case .inactive: nil
            case .pending(let since, _), .active(let since), .clearing(let since, _): since
            }
        }

        /// `confirmed`: a reading (not a tick or a settings change) showed the result. `immediate`: spot measurements
        /// and observations alone reach the band.
        mutating func apply(_ result: Result, at time: Date, confirmed: Bool, immediate: Bool) {
            switch (phase, result) {
            case (.inactive, .met):
                phase = immediate ? .active(since: time) : .pending(since: time, lastMet: time)
            case (.inactive, _):
                break
            case (.pending(let since, let lastMet), .met):
                if immediate || (confirmed && time.duration(since: since) >= EarlyWarningTracker.sustain) {
                    phase = .active(since: since)
                } else if confirmed {
                    phase = .pending(since: since, lastMet: max(lastMet, time))
                }
            case (.pending(_, let lastMet), _):
                // Below for longer than a brief dip (noise at a band edge), or the data behind it went stale.
                if time.duration(since: lastMet) > EarlyWarningTracker.sustain / 10 { phase = .inactive }
            case (.active, .met), (.active, .unknown):
                break
            case (.active(let since), .clears):
                phase = .clearing(since: since, clearingSince: time)
            case (.clearing(let since, _), .met), (.clearing(let since, _), .unknown):
                phase = .active(since: since)
            case (.clearing(_, let clearingSince), .clears):
                if time.duration(since: clearingSince) >= EarlyWarningTracker.clearAfter { phase = .inactive }
            }
        }
    }
}
