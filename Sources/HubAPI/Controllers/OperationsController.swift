import Foundation
import Hub
import Hummingbird
import NIOCore
import Prometheus
import Synchronization
import Vitals

/// What operations watch: `/health` for load balancers and systemd-style probes, `/metrics` for Prometheus. Neither
/// needs a sign-in, and neither says anything about a patient.
struct OperationsController {
    let api: APIEnvironment

    /// Ingest further behind than this is unhealthy: readings are arriving faster than the hub commits them.
    static let longestHealthyLag: Duration = .seconds(60)

    func endpoints(_ router: Router<HubRequestContext>) {
        router.get("health", use: health)
        router.get("metrics", use: metrics)
    }

    @Sendable func health(_ request: Request, context: HubRequestContext) async throws -> Response {
        var checks = DTO.Health.Checks()
        do {
            try await api.database.checkWritable()
            checks.database = .init(ok: true, detail: "writable")
        } catch {
            checks.database = .init(ok: false, detail: "not writable: \(error)")
        }
        if let ingest = api.ingestHealth {
            let since = ingest.connectedSince
            checks.broker = .init(ok: since != nil, detail: since.map { "connected since \(APIJSON.iso8601($0))" } ?? "not connected")
            let lag = ingest.lag(at: Date())
            checks.ingest = .init(ok: lag <= Self.longestHealthyLag, detail: "oldest uncommitted message waiting \(lag.inSeconds) s",
                                  lagSeconds: lag.inSeconds)
        } else {
            checks.broker = .init(ok: false, detail: "ingest is not running in this process")
            checks.ingest = .init(ok: false, detail: "ingest is not running in this process")
        }
        let ok = checks.database.ok && checks.broker.ok && checks.ingest.ok
        let body = DTO.Health(status: ok ? "ok" : "failing", checks: checks)
        var response = try body.response(from: request, context: context)
        response.status = ok ? .ok : .serviceUnavailable
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func metrics(_ request: Request, context: HubRequestContext) async throws -> Response {
        try await api.metrics.refresh(database: api.database, counters: api.ingestCounters, health: api.ingestHealth)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: api.metrics.registry.emitToBuffer())))
    }

}

extension DTO {
    struct Health: ResponseEncodable, Sendable {
        struct Check: Encodable, Sendable {
            var ok: Bool
            var detail: String
            var lagSeconds: Double?
        }
        struct Checks: Encodable, Sendable {
            var database = Check(ok: false, detail: "")
            var broker = Check(ok: false, detail: "")
            var ingest = Check(ok: false, detail: "")
        }
        var status: String
        var checks: Checks
    }
}

/// The hub's Prometheus metrics, in a registry of its own (no process-wide metrics system, so every test's hub has
/// its own figures): HTTP latency per route, method and status, recorded as requests finish; ingest counters, lag
/// and broker connection, and alerts by state, read when Prometheus scrapes.
final class HubMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// What the ingest counters stood at when last exported: counters only go up, by the difference.
    private let exported = Mutex<(committed: Int, duplicates: Int, deadLetters: [String: Int])>((0, 0, [:]))

    static let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20),
                                             .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "silverwatch", metricName: "http_request_duration", unitName: "seconds",
                                             helpText: "HTTP requests by route, method and status, and how long they took."),
            labels: [("method", method), ("route", route), ("status", String(status))], buckets: Self.latencyBuckets
        ).record(duration)
    }

    func refresh(database: AppDatabase, counters: IngestCounters?, health: IngestHealth?) async throws {
        if let counters {
            let (committed, duplicates, deadLetters) = (counters.committedReadings, counters.duplicateReadings, counters.deadLetters)
            let previous = exported.withLock { value in
                defer { value = (committed, duplicates, deadLetters) }
                return value
            }
            registry.makeCounter(descriptor: Self.name("ingest_readings_committed", "total", "Readings committed for the first time."))
                .increment(by: Int64(max(0, committed - previous.committed)))
            registry.makeCounter(descriptor: Self.name("ingest_readings_duplicate", "total", "Readings received again and not stored twice."))
                .increment(by: Int64(max(0, duplicates - previous.duplicates)))
            for (gateway, count) in deadLetters {
                registry.makeCounter(descriptor: Self.name("ingest_dead_letters", "total", "Messages refused into the dead-letter table, by gateway."),
                                     labels: [("gateway", gateway)])
                    .increment(by: Int64(max(0, count - (previous.deadLetters[gateway] ?? 0))))
            }
        }
        if let health {
            registry.makeGauge(descriptor: Self.name("broker_connected", "", "1 while ingest is connected and subscribed to the broker."))
                .set(health.connectedSince == nil ? 0.0 : 1.0)
            registry.makeGauge(descriptor: Self.name("ingest_lag", "seconds", "How long the oldest received, uncommitted message has waited."))
                .set(health.lag(at: Date()).inSeconds)
        }
        let counts = try await database.openAlertCounts()
        for status in [Alert.Status.unacknowledged, .acknowledged] {
            for priority in AlarmPriority.allCases {
                for category in [AlertCategory.physiological, .technical] {
                    registry.makeGauge(descriptor: Self.name("alerts_open", "", "Open alerts by status, priority and category."),
                                       labels: [("status", status.rawValue), ("priority", priority.description), ("category", category.rawValue)])
                        .set(Double(counts[AlertCountKey(status: status, priority: priority, category: category)] ?? 0))
                }
            }
        }
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "silverwatch", metricName: metric, unitName: unit, helpText: help)
    }
}

/// Records every request's latency, with its route pattern (not the path: ids would make a series per patient).
struct HTTPMetricsMiddleware: RouterMiddleware {
    let metrics: HubMetrics

    func handle(_ request: Request, context: HubRequestContext, next: (Request, HubRequestContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        func record(_ status: HTTPResponse.Status) {
            metrics.recordRequest(method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: Int(status.code),
                                  duration: ContinuousClock.now - start)
        }
        do {
            let response = try await next(request, context)
            record(response.status)
            return response
        } catch {
            // An API error is turned into its response after this middleware; anything else is a 500.
            record((error as? any HTTPResponseError)?.status ?? .internalServerError)
            throw error
        }
    }
}
