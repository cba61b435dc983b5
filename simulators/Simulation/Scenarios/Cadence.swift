/// When a device sends: tick `n` is at `n × every / count`, computed from the tick number so that rates like
/// 60 per second never drift.
struct Cadence: Sendable, Hashable {
    /// `count` ticks per `every`.
    let every: Duration
    let count: Int
    /// The next tick to send.
    var next: Int64 = 0

    /// `count` ticks each `every`.
    init(_ count: Int, per every: Duration) {
        self.every = every
        self.count = count
    }

    /// One tick each `every`.
    init(every: Duration) {
        self.init(1, per: every)
    }

    /// The wall time of `tick`.
    func time(of tick: Int64) -> Duration { every * tick / count }

    /// The wall time of the next tick.
    var nextTime: Duration { time(of: next) }
}
