#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Duration {
    /// The duration in seconds, as a floating-point number (attosecond precision is not needed for vitals).
    package var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension Date {
    /// This instant moved by `duration`.
    package func adding(_ duration: Duration) -> Date {
        addingTimeInterval(duration.inSeconds)
    }

    /// The time elapsed from `earlier` to this instant (negative when `earlier` is later).
    package func duration(since earlier: Date) -> Duration {
        .milliseconds(Int64((timeIntervalSince(earlier) * 1000).rounded()))
    }
}
