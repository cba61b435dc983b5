#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Whether an alarm condition holds, as far as the data can tell.
public enum ConditionStatus: Sendable, Hashable, Codable {
    /// The condition does not hold.
    case absent
    /// The condition holds at this priority.
    case present(AlarmPriority)
    /// No recent data: the condition may or may not hold.
    case indeterminate
}

/// The condition of a rule changed: what it is now, and the evidence when it is present.
public struct ConditionChange: Sendable, Hashable {
    /// The id of the rule whose condition changed.
    public var ruleID: String
    /// The condition's new status.
    public var status: ConditionStatus
    /// The evidence of the highest-priority active band when the status is present; otherwise `nil`.
    public var evidence: AlertEvidence?
    /// The time of the reading (its `measuredAt`) or of the staleness check that caused the change.
    public var at: Date
}

/// Follows one threshold rule through a patient's readings of its vital: which bands are active, since when, and on
/// which readings.
///
/// Only usable readings count (artifacts are skipped, neither starting nor breaking a condition), and only readings
/// newer than the last one seen: a late, re-sent reading is stored by the hub but cannot rewrite the past here.
public struct RuleTracker: Sendable, Hashable {
    /// The rule followed; a changed rule needs a new tracker.
    public private(set) var rule: ThresholdRule
    /// The condition's status after the latest reading or staleness check.
    public private(set) var status: ConditionStatus = .absent
    private var bands: [BandTracker]
    /// The worst value of the evidence last reported, so a worsening condition updates its alert's evidence.
    private var reportedWorst: Double?
    private var rate: RateTracker?
    private var lastReadingAt: Date?

    /// A tracker with no history: every band inactive, the status absent. The rule is not validated here.
    public init(rule: ThresholdRule) {
        self.rule = rule
        bands = rule.bands.map { BandTracker(limit: $0.limit, sustain: $0.sustain) }
        rate = rule.rateOfChange.map(RateTracker.init)
    }

    /// A tracker that takes over an alert still open from before (restored from storage, or its rule was edited).
    ///
    /// A fresh tracker would start with the condition absent and never report it clearing, leaving the alert open
    /// with its condition present, which a person cannot resolve. So the band at the alert's priority (or the rule's
    /// highest band below it) starts active, and readings must clear it the usual way, past the hysteresis for
    /// `clearAfter`, before the alert closes.
    public init(rule: ThresholdRule, resuming alert: Alert?) {
        self.init(rule: rule)
        guard let alert, alert.isOpen, alert.condition != .absent else { return }
        let resumed: AlarmPriority
        if let index = bands.indices.last(where: { rule.bands[$0].priority <= alert.priority }) ?? bands.indices.last {
            bands[index].resumeActive()
            resumed = rule.bands[index].priority
        } else if rate != nil, let priority = rule.rateOfChange?.priority {
            rate?.band.resumeActive()
            resumed = priority
        } else {
            return
        }
        status = alert.condition == .indeterminate ? .indeterminate : .present(resumed)
    }

    /// Feeds a reading of the rule's vital; returns a change when the condition's status changed.
    public mutating func observe(_ reading: Reading) -> ConditionChange? {
        guard rule.isEnabled, reading.kind == rule.vital, reading.isUsable else { return nil }
        if let lastReadingAt, reading.measuredAt <= lastReadingAt { return nil }
        let gapExceeded = lastReadingAt.map { reading.measuredAt.duration(since: $0) > rule.maximumGap } ?? false
        lastReadingAt = reading.measuredAt
        for index in bands.indices {
            bands[index].observe(reading, rule: rule, gapExceeded: gapExceeded)
        }
        if rate != nil { rate?.observe(reading, rule: rule, gapExceeded: gapExceeded) }
        return updateStatus(at: reading.measuredAt)
    }

    /// Marks the condition indeterminate when the newest reading is older than `staleAfter` at `now`.
    ///
    /// Active bands keep their state: fresh data decides whether they clear. Pending ones start again.
    public mutating func checkStaleness(now: Date, staleAfter: Duration) -> ConditionChange? {
        guard status != .indeterminate, let lastReadingAt, now.duration(since: lastReadingAt) > staleAfter else { return nil }
        for index in bands.indices { bands[index].forgetPending() }
        rate?.band.forgetPending()
        guard case .present = status else { return nil }
        status = .indeterminate
        return ConditionChange(ruleID: rule.id, status: .indeterminate, evidence: nil, at: now)
    }

    /// Reports a change when the condition's status changed, or when it stayed present but reached a new worst
    /// value (the alert's evidence should show SpO2 still falling). Evidence is built only when reported.
    private mutating func updateStatus(at time: Date) -> ConditionChange? {
        var strongest: AlarmPriority?
        var strongestBand: Int?
        for index in bands.indices where bands[index].isActive {
            let priority = rule.bands[index].priority
            if strongest.map({ priority > $0 }) ?? true {
                strongest = priority
                strongestBand = index
            }
        }
        var fromRate = false
        if let rate, rate.band.isActive, strongest.map({ rate.settings.priority > $0 }) ?? true {
            strongest = rate.settings.priority
            fromRate = true
        }
        let newStatus: ConditionStatus = strongest.map { .present($0) } ?? .absent
        let worst = fromRate ? rate?.band.worstValue : strongestBand.flatMap { bands[$0].worstValue }
        if newStatus == status {
            guard let worst, reportedWorst.map({ rule.worsening(from: $0, to: worst) > 0 }) ?? true else { return nil }
        }
        status = newStatus
        reportedWorst = worst
        let evidence = fromRate
            ? rate?.evidence(rule: rule)
            : strongestBand.flatMap { bands[$0].evidence(rule: rule, band: rule.bands[$0]) }
        return ConditionChange(ruleID: rule.id, status: newStatus, evidence: evidence, at: time)
    }
}

/// One limit with its sustain and clearing times.
struct BandTracker: Sendable, Hashable {
    enum Phase: Sendable, Hashable {
        case inactive
        /// Past the limit since `since`; the latest reading past it was at `lastViolation`.
        case pending(since: Date, lastViolation: Date)
        case active
        case clearing(since: Date)
    }

    let limit: Double
    let sustain: Duration
    private(set) var phase: Phase = .inactive
    private var collector: EvidenceCollector?

    init(limit: Double, sustain: Duration) {
        self.limit = limit
        self.sustain = sustain
    }

    /// How long a pending condition survives readings back on the safe side of the limit: a tenth of the sustain
    /// time. Measurement noise around a value just past the limit (a true SpO2 of 89 % read as 87–92 %) would
    /// otherwise restart the sustain time at every stray reading, and a long sustain would never be reached; a value
    /// that stays back over the limit for longer than this is a recovery, not noise.
    var excursionTolerance: Duration { sustain / 10 }

    /// The most extreme value among the readings that met the condition, while there are any.
    var worstValue: Double? { collector?.worst.value }

    var isActive: Bool {
        switch phase {
        case .active, .clearing: true
        case .inactive, .pending: false
        }
    }

    mutating func observe(_ reading: Reading, rule: ThresholdRule, gapExceeded: Bool) {
        observe(reading, violates: rule.violates(reading.value, limit: limit),
                clears: rule.clears(reading.value, limit: limit), rule: rule, gapExceeded: gapExceeded)
    }

    /// The band's state machine, with "violates" and "clears" decided by the caller.
    mutating func observe(_ reading: Reading, violates: Bool, clears: Bool, rule: ThresholdRule, gapExceeded: Bool) {
        let now = reading.measuredAt
        switch phase {
        case .inactive:
            if violates { start(reading) }
        case .pending(let since, let lastViolation):
            if violates {
                if gapExceeded {
                    start(reading)
                } else {
                    collect(reading, rule: rule)
                    phase = now.duration(since: since) >= sustain ? .active : .pending(since: since, lastViolation: now)
                }
            } else if gapExceeded || now.duration(since: lastViolation) > excursionTolerance {
                // Back on the safe side for longer than a brief excursion: a recovery, not noise.
                phase = .inactive
                collector = nil
            }
        case .active:
            if violates { collect(reading, rule: rule) }
            if clears { beginClearing(at: now, rule: rule) }
        case .clearing(let since):
            if !clears {
                phase = .active
                if violates { collect(reading, rule: rule) }
            } else if gapExceeded {
                beginClearing(at: now, rule: rule)
            } else if now.duration(since: since) >= rule.clearAfter {
                phase = .inactive
                collector = nil
            }
        }
    }

    /// Marks the band active without evidence (taking over an alert still open from before); the next violating
    /// reading starts collecting evidence again.
    mutating func resumeActive() {
        phase = .active
        collector = nil
    }

    mutating func forgetPending() {
        if case .pending = phase {
            phase = .inactive
            collector = nil
        }
    }

    func evidence(rule: ThresholdRule, band: ThresholdRule.Band) -> AlertEvidence? {
        guard let collector else { return nil }
        return AlertEvidence(
            ruleID: rule.id, summary: rule.summary(of: band), priority: band.priority, vital: rule.vital,
            limit: band.limit, since: collector.first.measuredAt, readings: collector.readings,
            readingCount: collector.count, worstValue: collector.worst.value)
    }

    private mutating func start(_ reading: Reading) {
        collector = EvidenceCollector(reading)
        phase = sustain <= .zero ? .active : .pending(since: reading.measuredAt, lastViolation: reading.measuredAt)
    }

    private mutating func collect(_ reading: Reading, rule: ThresholdRule) {
        guard collector != nil else {
            collector = EvidenceCollector(reading)
            return
        }
        collector?.add(reading) { rule.worsening(from: $1, to: $0) > 0 }
    }

    private mutating func beginClearing(at time: Date, rule: ThresholdRule) {
        if rule.clearAfter <= .zero {
            phase = .inactive
            collector = nil
        } else {
            phase = .clearing(since: time)
        }
    }
}

/// The rate-of-change band: how far the value moved the dangerous way within the window.
struct RateTracker: Sendable, Hashable {
    let settings: ThresholdRule.RateOfChange
    var band: BandTracker
    /// Readings in the window that could still be the best reference, best first (a monotonic deque).
    private var window: [Reading] = []
    private var reference: Reading?
    static let maximumWindowReadings = 4096

    init(_ settings: ThresholdRule.RateOfChange) {
        self.settings = settings
        band = BandTracker(limit: settings.change, sustain: .zero)
    }

    mutating func observe(_ reading: Reading, rule: ThresholdRule, gapExceeded: Bool) {
        if gapExceeded { window.removeAll() }
        let start = reading.measuredAt.adding(.zero - settings.window)
        window.removeAll { $0.measuredAt < start }
        // Keep only readings that are better (safer) than the new one: a worse, older reading can never again be the
        // reference the change is measured from.
        while let last = window.last, rule.worsening(from: last.value, to: reading.value) <= 0 {
            window.removeLast()
        }
        window.append(reading)
        if window.count > Self.maximumWindowReadings { window.removeFirst(window.count - Self.maximumWindowReadings) }
        let best = window[0]
        let change = rule.worsening(from: best.value, to: reading.value)
        let clearBelow = max(0, settings.change - rule.hysteresis)
        let wasActive = band.isActive
        band.observe(reading, violates: change >= settings.change, clears: change <= clearBelow, rule: rule, gapExceeded: false)
        if band.isActive && !wasActive { reference = best }
        if !band.isActive { reference = nil }
    }

    /// The evidence for an active rate-of-change band: the reference reading the change is measured from first.
    func evidence(rule: ThresholdRule) -> AlertEvidence? {
        guard band.isActive, let reference,
              var evidence = band.evidence(rule: rule, band: .init(priority: settings.priority, limit: settings.change, sustain: .zero))
        else { return nil }
        evidence.summary = rule.summary(of: settings)
        evidence.limit = nil
        evidence.readings.insert(reference, at: 0)
        evidence.details["reference"] = ThresholdRule.format(reference.value)
        return evidence
    }
}
