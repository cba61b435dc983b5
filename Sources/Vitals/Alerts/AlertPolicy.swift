/// How alerts behave over time: which latch, when unacknowledged ones escalate, how long they may be snoozed.
public struct AlertPolicy: Sendable, Hashable {
    /// Alerts of these priorities latch: they stay open after the condition clears until a person resolves them.
    public var latchingPriorities: Set<AlarmPriority>
    /// How long an unacknowledged alert of a priority waits before notifying the next tier; absent: never escalates.
    public var escalationDelay: [AlarmPriority: Duration]
    /// The last tier (0 is the patient's caregivers; with the defaults, 1 the on-call caregiver, 2 an admin).
    /// At the last tier the alert keeps being re-sent at the escalation delay until acknowledged.
    public var highestTier: Int
    /// The longest snooze allowed per priority.
    public var longestSnooze: [AlarmPriority: Duration]

    /// A policy with these settings; a `highestTier` below 0 becomes 0, nothing else is validated.
    public init(
        latchingPriorities: Set<AlarmPriority> = [.high],
        escalationDelay: [AlarmPriority: Duration] = [.high: .seconds(120), .medium: .seconds(600)],
        highestTier: Int = 2,
        longestSnooze: [AlarmPriority: Duration] = [.high: .seconds(600), .medium: .seconds(1800), .low: .seconds(7200)]
    ) {
        self.latchingPriorities = latchingPriorities
        self.escalationDelay = escalationDelay
        self.highestTier = max(0, highestTier)
        self.longestSnooze = longestSnooze
    }

    /// Defaults for home monitoring: high priority latches and escalates after 2 minutes, medium after 10; snoozes
    /// last at most 10 minutes (high), 30 minutes (medium) or 2 hours (low).
    ///
    /// These escalation delays and snooze limits are SilverWatch's defaults for home monitoring, not taken from a
    /// standard; the care organisation is meant to set its own.
    public static let standard = AlertPolicy()
}
