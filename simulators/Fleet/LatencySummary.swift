/// Figures over a set of latencies: the percentiles a benchmark reports.
public struct LatencySummary: Sendable, Hashable {
    /// How many latencies.
    public var count: Int
    /// The median, in milliseconds.
    public var p50: Double
    /// The 99th percentile, in milliseconds.
    public var p99: Double
    /// The largest, in milliseconds.
    public var maximum: Double

    /// Summarises `milliseconds` by the nearest-rank method; `nil` when there are none.
    public init?(milliseconds: [Double]) {
        guard !milliseconds.isEmpty else { return nil }
        let sorted = milliseconds.sorted()
        func percentile(_ p: Double) -> Double {
            // Nearest rank: the smallest value with at least p of the values at or below it.
            let rank = Int((p * Double(sorted.count)).rounded(.up))
            return sorted[max(0, min(sorted.count - 1, rank - 1))]
        }
        count = sorted.count
        p50 = percentile(0.50)
        p99 = percentile(0.99)
        maximum = sorted[sorted.count - 1]
    }
}
