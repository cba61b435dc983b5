import Foundation
import Hub
import Logging
import Synchronization

/// What changed in the database, polled once for every connected client: device and gateway status changes, and
/// patients' latest readings. Each poll's batch, empty or not, also wakes every client to read the alert changes
/// after its own cursor.
///
/// Polling the database rather than listening to ingest makes live delivery and a reconnecting client's replay the
/// same query: whatever wrote the change (this process's ingest, a person through the API, a tick), it is found in
/// the same place, in the order the database stored it.
final class LiveFeed: Sendable {
    private struct State {
        var subscribers: [UUID: AsyncStream<[LiveChange]>.Continuation] = [:]
        var poller: Task<Void, Never>?
    }

    private let database: AppDatabase
    private let interval: Duration
    private let vitalsInterval: Duration
    private let logger: Logger
    private let state = Mutex(State())

    /// Alert and device changes are looked for every `interval`, vitals every `vitalsInterval`.
    init(database: AppDatabase, interval: Duration = .milliseconds(250), vitalsInterval: Duration = .seconds(1),
         logger: Logger = Logger(label: "silverwatch.live")) {
        self.database = database
        self.interval = interval
        self.vitalsInterval = vitalsInterval
        self.logger = logger
    }

    /// A stream of every poll's changes (empty ones too: they pace the subscriber's own checks) until `unsubscribe`.
    func subscribe() -> (id: UUID, changes: AsyncStream<[LiveChange]>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: [LiveChange].self, bufferingPolicy: .bufferingNewest(400))
        state.withLock { state in
            state.subscribers[id] = continuation
            // Started under the lock: two first subscribers at once must not start two pollers.
            if state.poller == nil { state.poller = Task { [self] in await poll() } }
        }
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        let (continuation, poller) = state.withLock { state -> (AsyncStream<[LiveChange]>.Continuation?, Task<Void, Never>?) in
            let continuation = state.subscribers.removeValue(forKey: id)
            guard state.subscribers.isEmpty else { return (continuation, nil) }
            defer { state.poller = nil }
            return (continuation, state.poller)
        }
        continuation?.finish()
        poller?.cancel()
    }

    private func poll() async {
        var position: LivePosition?
        var lastVitals = ContinuousClock.now
        while !Task.isCancelled {
            do {
                if position == nil { position = try await database.livePosition() }
                try await Task.sleep(for: interval)
                guard let current = position else { continue }
                // Vitals at most every `vitalsInterval`; device changes at every poll.
                let vitalsDue = ContinuousClock.now - lastVitals >= vitalsInterval
                if vitalsDue { lastVitals = ContinuousClock.now }
                let (changes, next) = try await database.liveChanges(since: current, vitals: vitalsDue)
                position = next
                let subscribers = state.withLock { Array($0.subscribers.values) }
                for subscriber in subscribers { subscriber.yield(changes) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("live feed could not read changes; trying again", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
