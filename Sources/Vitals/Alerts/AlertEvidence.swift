#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why an alert exists: the rule or detector that fired, in words and as data, and the readings that made it fire.
///
/// Bounded by construction: it keeps the first reading past the limit, the worst one, and the latest few, plus a
/// count of all of them, so an alert that lasts a week does not grow without end.
public struct AlertEvidence: Sendable, Hashable, Codable {
    /// The threshold rule's id, when a threshold rule fired.
    public var ruleID: String?
    /// A sentence a caregiver reads: "SpO2 below 90 % for 60 s".
    public var summary: String
    /// The priority of the band or detector that fired.
    public var priority: AlarmPriority
    /// The vital concerned; `nil` when the condition is not about one (a device's battery, for instance).
    public var vital: VitalKind?
    /// The limit crossed, in the vital's canonical unit.
    public var limit: Double?
    /// When the condition started (the first reading past the limit).
    public var since: Date
    /// The first, the worst and the latest readings that met the condition.
    public var readings: [Reading]
    /// How many readings met the condition in all.
    public var readingCount: Int
    /// The most extreme value seen while the condition held.
    public var worstValue: Double?
    /// Named figures from a detector (a fall's impact in g, a battery's percentage), as text.
    public var details: [String: String]

    /// How many of the latest readings are kept.
    public static let latestReadingsKept = 5

    /// Evidence as given; `readingCount` defaults to the number of `readings`. Nothing is validated or trimmed.
    public init(
        ruleID: String? = nil, summary: String, priority: AlarmPriority, vital: VitalKind? = nil, limit: Double? = nil,
        since: Date, readings: [Reading] = [], readingCount: Int? = nil, worstValue: Double? = nil,
        details: [String: String] = [:]
    ) {
        self.ruleID = ruleID
        self.summary = summary
        self.priority = priority
        self.vital = vital
        self.limit = limit
        self.since = since
        self.readings = readings
        self.readingCount = readingCount ?? readings.count
        self.worstValue = worstValue
        self.details = details
    }
}

/// Collects the readings behind a condition while it holds, keeping a bounded sample of them.
struct EvidenceCollector: Sendable, Hashable {
    private(set) var first: Reading
    private(set) var worst: Reading
    private(set) var latest: [Reading]
    private(set) var count: Int

    init(_ reading: Reading) {
        first = reading
        worst = reading
        latest = [reading]
        count = 1
    }

    /// Adds a reading; `isWorse(a, b)` tells whether `a` is more extreme than `b`.
    mutating func add(_ reading: Reading, isWorse: (Double, Double) -> Bool) {
        count += 1
        if isWorse(reading.value, worst.value) { worst = reading }
        latest.append(reading)
        if latest.count > AlertEvidence.latestReadingsKept { latest.removeFirst(latest.count - AlertEvidence.latestReadingsKept) }
    }

    /// The kept readings in time order, each once.
    var readings: [Reading] {
        var result: [Reading] = []
        for reading in [first, worst] + latest where !result.contains(reading) {
            result.append(reading)
        }
        return result.sorted { $0.measuredAt < $1.measuredAt }
    }
}
