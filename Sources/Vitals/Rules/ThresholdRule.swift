/// A physiological alarm rule for one vital in one direction ("SpO2 too low"), as data.
///
/// A rule has up to one band per ``AlarmPriority``; each band is a limit with a sustain time ("SpO2 < 90 % for
/// 60 s" is the high band of the SpO2-low rule). The worse the value, the higher the band it reaches. One rule raises
/// at most one alert at a time, whose priority follows the highest band reached.
///
/// A band becomes active once every usable reading has been past its limit for `sustain`. It stops being active
/// once the value has been back past the limit by `hysteresis` for `clearAfter`. Together they keep a signal that
/// hovers at a limit from raising and clearing over and over.
public struct ThresholdRule: Sendable, Hashable, Identifiable {
    /// Which side of a limit is dangerous.
    public enum Direction: String, Sendable, Hashable, Codable {
        /// Values strictly below the limit violate it.
        case below
        /// Values strictly above the limit violate it.
        case above
    }

    /// A limit at one priority.
    public struct Band: Sendable, Hashable {
        /// The priority of the alert while this is the highest active band.
        public var priority: AlarmPriority
        /// The limit in the vital's canonical unit.
        public var limit: Double
        /// How long the value must stay past the limit before the band is active (zero: the first reading).
        public var sustain: Duration

        /// A band as given; validated when its rule joins a ``RuleSet``.
        public init(priority: AlarmPriority, limit: Double, sustain: Duration) {
            self.priority = priority
            self.limit = limit
            self.sustain = sustain
        }
    }

    /// A fast change in the dangerous direction, whatever the absolute value ("SpO2 falls 4 points in 5 minutes").
    public struct RateOfChange: Sendable, Hashable {
        /// The priority of the alert while the change holds, unless a band reaches a higher one.
        public var priority: AlarmPriority
        /// The change, in the vital's canonical unit, that triggers; always positive, the direction is the rule's.
        public var change: Double
        /// The time window over which the change is measured.
        public var window: Duration

        /// A rate-of-change band as given; validated when its rule joins a ``RuleSet``.
        public init(priority: AlarmPriority, change: Double, window: Duration) {
            self.priority = priority
            self.change = change
            self.window = window
        }
    }

    /// A stable identifier, e.g. `spo2-low`; per-patient overrides refer to it.
    public var id: String
    /// The vital whose readings the rule judges; limits are in its canonical unit.
    public var vital: VitalKind
    /// Which side of the limits is dangerous.
    public var direction: Direction
    /// At most one band per priority; higher priorities have more extreme limits.
    public var bands: [Band]
    /// How far back past a limit the value must come before the band clears, in the vital's unit.
    public var hysteresis: Double
    /// How long the value must stay cleared (past the limit by the hysteresis) before the band clears.
    public var clearAfter: Duration
    /// Readings further apart than this do not make a sustained condition: the sustain time starts again.
    public var maximumGap: Duration
    /// An optional alarm on a fast worsening, whatever the absolute value.
    public var rateOfChange: RateOfChange?
    /// A disabled rule ignores readings and raises no alert.
    public var isEnabled: Bool

    /// A rule as given, with its bands sorted by priority; validated only when it joins a ``RuleSet``.
    public init(
        id: String, vital: VitalKind, direction: Direction, bands: [Band],
        hysteresis: Double, clearAfter: Duration = .seconds(30), maximumGap: Duration = .seconds(30),
        rateOfChange: RateOfChange? = nil, isEnabled: Bool = true
    ) {
        self.id = id
        self.vital = vital
        self.direction = direction
        self.bands = bands.sorted { $0.priority < $1.priority }
        self.hysteresis = hysteresis
        self.clearAfter = clearAfter
        self.maximumGap = maximumGap
        self.rateOfChange = rateOfChange
        self.isEnabled = isEnabled
    }

    /// Whether `value` is past `limit` in this rule's direction.
    public func violates(_ value: Double, limit: Double) -> Bool {
        switch direction {
        case .below: value < limit
        case .above: value > limit
        }
    }

    /// Whether `value` is back on the safe side of `limit` by at least the hysteresis.
    public func clears(_ value: Double, limit: Double) -> Bool {
        switch direction {
        case .below: value >= limit + hysteresis
        case .above: value <= limit - hysteresis
        }
    }

    /// How far `value` has moved in the dangerous direction since `reference` (positive when worse).
    public func worsening(from reference: Double, to value: Double) -> Double {
        switch direction {
        case .below: reference - value
        case .above: value - reference
        }
    }

    /// A sentence a caregiver reads to understand a band: "SpO2 below 90 % for 60 s".
    public func summary(of band: Band) -> String {
        let side = direction == .below ? "below" : "above"
        let unit = vital.unit.symbol.isEmpty ? "" : " \(vital.unit.symbol)"
        let sustained = band.sustain == .zero ? "" : " for \(Self.format(band.sustain))"
        return "\(vital.displayName) \(side) \(Self.format(band.limit))\(unit)\(sustained)"
    }

    /// A sentence for the rate-of-change band: "SpO2 falling by 4 % within 5 min".
    public func summary(of rate: RateOfChange) -> String {
        let movement = direction == .below ? "falling" : "rising"
        let unit = vital.unit.symbol.isEmpty ? "" : " \(vital.unit.symbol)"
        return "\(vital.displayName) \(movement) by \(Self.format(rate.change))\(unit) within \(Self.format(rate.window))"
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        if seconds == 0, duration > .zero {
            return "\(Int64((duration.inSeconds * 1000).rounded())) ms"
        }
        if seconds >= 3600, seconds % 3600 == 0 { return "\(seconds / 3600) h" }
        if seconds >= 60, seconds % 60 == 0 { return "\(seconds / 60) min" }
        return "\(seconds) s"
    }
}
