import Foundation
import Synchronization
import Vitals

/// Whether ingest is connected to the broker and how far behind it is, for the hub's /health.
public final class IngestHealth: Sendable {
    private struct State {
        var buffer: MessageBuffer?
        var connectedSince: Date?
        var committingSince: Date?
    }

    private let state = Mutex(State())

    public init() {}

    func connected(buffer: MessageBuffer, at time: Date = Date()) {
        state.withLock {
            $0.buffer = buffer
            $0.connectedSince = time
        }
    }

    func disconnected() {
        state.withLock { $0 = State() }
    }

    func committing(since arrival: Date?) {
        state.withLock { $0.committingSince = arrival }
    }

    /// Connected to the broker and subscribed, since when.
    public var connectedSince: Date? { state.withLock { $0.connectedSince } }

    /// How long the oldest message received and not yet committed has waited at `now`; zero when none waits.
    public func lag(at now: Date = Date()) -> Duration {
        let (buffer, committing) = state.withLock { ($0.buffer, $0.committingSince) }
        guard let oldest = [committing, buffer?.oldestArrival].compactMap({ $0 }).min() else { return .zero }
        return max(.zero, now.duration(since: oldest))
    }
}
