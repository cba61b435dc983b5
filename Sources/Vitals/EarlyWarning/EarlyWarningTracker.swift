#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Follows one patient's NEWS2 (Royal College of Physicians 2017) as readings arrive, and says when the condition
/// "NEWS2 risk at least ``EarlyWarningSettings/alertFrom``" (medium by default) starts, rises, clears or can no
/// longer be judged.
///
/// It keeps the latest usable reading of each NEWS2 vital (artifacts are skipped, and only a reading newer than the
/// last one of its kind counts, so a late, re-sent reading cannot rewrite the past) and scores, on every such reading,
/// those still fresh (``freshness(of:)``) with the patient's ``EarlyWarningSettings``. The condition's priority is
/// the ``EarlyWarningScore/minimumRisk`` of that score (``EarlyWarningScore/ClinicalRisk/alarmPriority``): what the
/// observed parameters already imply, since missing ones can only raise it.
///
/// Each risk band from `alertFrom` up (low–medium, medium, high) is followed on its own, like a threshold rule's bands:
/// - A band becomes active once readings have shown it for ``sustain``, surviving brief dips shorter than a tenth of
///   that, so noise from continuous monitors does not raise or escalate an alert. A band implied by spot
///   measurements and people's observations alone (blood pressure, temperature, consciousness, air or oxygen) is
///   active at once, as the default threshold rules treat spot measurements: one cuff reading is not noise.
/// - An active band clears once fresh data has kept the risk below it for ``clearAfter``.
/// - A parameter that goes stale stops counting, but its going stale is not a recovery: while the last known scores
///   of the parameters behind the alert would still reach the band, the band neither clears nor holds, and with no
///   band holding on fresh data the condition is indeterminate until fresh readings (or a person) decide.
///
/// Pulse is the heart rate (ECG or chest strap) while it is current, otherwise the pulse oximeter's pulse rate; see
/// ``pulseSourceTolerance``.
public struct EarlyWarningTracker: Sendable, Hashable {
    /// The condition changed: its new status, the evidence when present, and when.
    public struct Change: Sendable, Hashable {
        /// The condition's new status.
        public var status: ConditionStatus
        /// The score behind the change when the status is present; otherwise `nil`.
        public var evidence: AlertEvidence?
        /// The time of the reading, tick or settings change that caused the change.
        public var at: Date
    }

    /// How long readings must show a risk band before it becomes active: 2 minutes, the sustain of the default
    /// SpO2 medium band, long enough for a moving finger or a cough to pass. Spot-measured bands need none.
    public static let sustain: Duration = .seconds(120)
    /// How long fresh data must keep the risk below an active band before it clears: 10 minutes, twice the
    /// freshness of the continuous vitals, so a recovery is seen on readings that kept arriving, not on one.
    public static let clearAfter: Duration = .seconds(600)
    /// Heart rate is scored as pulse unless its latest reading is more than this behind the pulse rate's (30 s).
    ///
    /// Both usually arrive about every second. Keeping to one source stops the score alternating between two devices
    /// that disagree by a beat or two; heart rate is the one kept because it counts beats too weak to reach the
    /// finger, which a pulse deficit (atrial fibrillation) would otherwise under-score. A strap that stopped
    /// reporting gives way to the oximeter within this tolerance rather than after its freshness.
    public static let pulseSourceTolerance: Duration = .seconds(30)

    /// How long a reading of `kind` counts in the score; `nil` for kinds NEWS2 does not score.
    ///
    /// Continuously monitored vitals (SpO2, heart and pulse rate, respiration rate) count for 5 minutes: beyond that
    /// the monitor is off or failing, not the patient unchanged. Spot measurements (temperature, systolic blood
    /// pressure) count for 4 hours, the shortest observation interval NEWS2 recommends for a patient scoring 1–4
    /// (4–6-hourly). A reading counts while it is younger than this.
    public static func freshness(of kind: VitalKind) -> Duration? {
        switch kind {
        case .oxygenSaturation, .heartRate, .pulseRate, .respiratoryRate: .seconds(5 * 60)
        case .bodyTemperature, .systolicBloodPressure: .seconds(4 * 3600)
        case .diastolicBloodPressure, .meanBloodPressure, .perfusionIndex, .activity, .fallEvent: nil
        }
    }

    /// The settings in force; change them with ``replaceSettings(_:at:)``.
    public private(set) var settings: EarlyWarningSettings
    /// The condition's status after the latest reading, tick or settings change.
    public private(set) var status: ConditionStatus = .absent
    /// The latest usable reading of each NEWS2 vital, fresh or not.
    public private(set) var latest: [VitalKind: Reading] = [:]
    private var levels: [Level]
    /// While a band is held, each parameter's latest score from fresh data, kept after the parameter goes stale.
    private var lastKnown: [EarlyWarningScore.Parameter: Int] = [:]
    private var lastEvaluatedAt: Date?
    private var reportedWorst: Int?
    private var readingsSinceStart = 0

    /// A tracker with no readings: the condition absent.
    public init(settings: EarlyWarningSettings = EarlyWarningSettings()) {
        self.settings = settings
        levels = Level.bands.filter { $0.risk >= settings.alertFrom }
    }

    /// A tracker that takes over an open NEWS2 alert from before (restored from storage), so that it can clear.
    ///
    /// The band at the alert's priority and those below start active, and the parameter scores in the alert's
    /// evidence are the last known ones: fresh readings must show the risk below the band for ``clearAfter``, and a
    /// parameter the alert rested on must be measured again before its absence counts as a recovery.
    public init(settings: EarlyWarningSettings = EarlyWarningSettings(), resuming alert: Alert?) {
        self.init(settings: settings)
        guard let alert, alert.isOpen, alert.condition != .absent else { return }
        let since = alert.evidence.since
        for index in levels.indices where levels[index].priority <= alert.priority {
            levels[index].phase = .active(since: since)
        }
        guard let held = levels.last(where: \.isHeld) else { return }
        for parameter in EarlyWarningScore.Parameter.allCases {
            if let score = alert.evidence.details[parameter.rawValue].flatMap({ Int($0) }) { lastKnown[parameter] = score }
        }
        reportedWorst = alert.evidence.details["partialTotal"].flatMap { Int($0) }
        status = alert.condition == .indeterminate ? .indeterminate : .present(held.priority)
    }

    /// Feeds a reading; returns a change when the condition changed or, while present, reached a higher score.
    public mutating func observe(_ reading: Reading) -> Change? {
        guard Self.freshness(of: reading.kind) != nil, reading.isUsable else { return nil }
        if let last = latest[reading.kind], reading.measuredAt <= last.measuredAt { return nil }
        latest[reading.kind] = reading
        return evaluate(at: reading.measuredAt, isReading: true)
    }

    /// Time passed: readings may have gone stale, and a band may have stayed below long enough to clear.
    ///
    /// Ticks never start or escalate an alert on continuous data: only readings confirm a sustained risk.
    public mutating func tick(now: Date) -> Change? {
        guard levels.contains(where: { $0.phase != .inactive }) else { return nil }
        return evaluate(at: now, isReading: false)
    }

    /// Replaces the settings (a person recorded oxygen, consciousness or the SpO2 scale) and scores again at `now`.
    public mutating func replaceSettings(_ newSettings: EarlyWarningSettings, at now: Date) -> Change? {
        guard newSettings != settings else { return nil }
        if newSettings.alertFrom != settings.alertFrom {
            // Bands kept keep their state; a band added starts inactive.
            levels = Level.bands.filter { $0.risk >= newSettings.alertFrom }.map { band in levels.first { $0.risk == band.risk } ?? band }
        }
        settings = newSettings
        return evaluate(at: now, isReading: false)
    }

    /// The score of the readings fresh at `time`, with the settings in force.
    public func score(at time: Date) -> EarlyWarningScore {
        evaluation(at: time).score
    }

    /// The score a tracker with `settings` that had observed `readings` would give at `time`, without following
    /// its bands reading by reading: for showing a patient's NEWS2 from their latest readings.
    public static func score(of readings: [Reading], settings: EarlyWarningSettings, at time: Date) -> EarlyWarningScore {
        var tracker = EarlyWarningTracker(settings: settings)
        for reading in readings where freshness(of: reading.kind) != nil && reading.isUsable {
            if let last = tracker.latest[reading.kind], reading.measuredAt <= last.measuredAt { continue }
            tracker.latest[reading.kind] = reading
        }
        return tracker.score(at: time)
    }

    /// While an alert's band is held, the next time a ``tick(now:)`` may change something: a reading going stale
    /// or a band's clearing time ending.
    public var nextDeadline: Date? {
        guard levels.contains(where: \.isHeld), let after = lastEvaluatedAt else { return nil }
        var times = latest.values.compactMap { reading in Self.freshness(of: reading.kind).map { reading.measuredAt.adding($0) } }
        for level in levels {
            if case .clearing(_, let clearingSince) = level.phase { times.append(clearingSince.adding(Self.clearAfter)) }
        }
        return times.filter { $0 > after }.min()
    }

    private mutating func evaluate(at time: Date, isReading: Bool) -> Change? {
        let wasHeld = levels.contains(where: \.isHeld)
        let evaluation = evaluation(at: time, lastKnown: wasHeld ? lastKnown : [:])
        for index in levels.indices {
            let risk = levels[index].risk
            levels[index].apply(evaluation.result(for: risk), at: time, confirmed: isReading, immediate: evaluation.spotRisk >= risk)
        }
        lastKnown = levels.contains(where: \.isHeld) ? evaluation.knownScores : [:]
        // The bands nest (a score reaching one reaches those below), so the lowest tells whether anything is under way.
        if levels[0].phase == .inactive {
            readingsSinceStart = 0
        } else if isReading {
            readingsSinceStart += 1
        }
        lastEvaluatedAt = max(lastEvaluatedAt ?? time, time)
        return report(status(after: evaluation), evaluation)
    }

    private func status(after evaluation: Evaluation) -> ConditionStatus {
        let held = levels.filter(\.isHeld)
        guard let lowest = held.first, let highest = held.last else { return .absent }
        if let met = held.last(where: { evaluation.result(for: $0.risk) == .met }) { return .present(met.priority) }
        if evaluation.result(for: lowest.risk) == .unknown { return .indeterminate }
        return .present(highest.priority)
    }

    /// Reports a changed status, or a present one whose score rose (the alert's evidence should show it worsening).
    private mutating func report(_ newStatus: ConditionStatus, _ evaluation: Evaluation) -> Change? {
        let total = evaluation.score.partialTotal
        if newStatus == status {
            guard case .present = newStatus, total > reportedWorst ?? Int.max else { return nil }
        }
        status = newStatus
        guard case .present(let priority) = newStatus else {
            reportedWorst = nil
            return Change(status: newStatus, evidence: nil, at: evaluation.time)
        }
        reportedWorst = total
        let since = levels.compactMap(\.startedAt).min() ?? evaluation.time
        let evidence = evaluation.evidence(priority: priority, since: since, readingCount: readingsSinceStart)
        return Change(status: newStatus, evidence: evidence, at: evaluation.time)
    }

    private func evaluation(at time: Date, lastKnown: [EarlyWarningScore.Parameter: Int] = [:]) -> Evaluation {
        func fresh(_ kind: VitalKind) -> Reading? {
            guard let reading = latest[kind], let window = Self.freshness(of: kind),
                  time.duration(since: reading.measuredAt) < window else { return nil }
            return reading
        }
        let measured: [EarlyWarningScore.Parameter: Reading?] = [
            .respirationRate: fresh(.respiratoryRate), .oxygenSaturation: fresh(.oxygenSaturation),
            .systolicBloodPressure: fresh(.systolicBloodPressure),
            .pulse: Self.pulse(heartRate: fresh(.heartRate), pulseRate: fresh(.pulseRate)), .temperature: fresh(.bodyTemperature),
        ]
        return Evaluation(time: time, measured: measured.compactMapValues { $0 }, settings: settings, lastKnown: lastKnown)
    }

    static func pulse(heartRate: Reading?, pulseRate: Reading?) -> Reading? {
        guard let heartRate else { return pulseRate }
        guard let pulseRate else { return heartRate }
        return pulseRate.measuredAt.duration(since: heartRate.measuredAt) <= pulseSourceTolerance ? heartRate : pulseRate
    }
}
