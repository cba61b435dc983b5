import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import Testing
import Vitals

/// /health and /metrics.
@Suite("Operations: health and metrics")
struct OperationsAPITests {
    @Test func healthFailsWhenIngestIsDisconnectedOrFallingBehind() async throws {
        let fixture = try await Fixture.make()
        try await fixture.run { client in
            let healthy = try await client.call(.get, "/health")
            #expect(healthy.status == 200)
            #expect(healthy["status"] as? String == "ok")

            // A message received 90 s ago and still not committed: ingest is behind.
            fixture.ingestHealth.committing(since: Date().addingTimeInterval(-90))
            let behind = try await client.call(.get, "/health")
            #expect(behind.status == 503)
            let ingest = try #require((behind["checks"] as? [String: Any])?["ingest"] as? [String: Any])
            #expect(ingest["ok"] as? Bool == false)
            #expect((ingest["lagSeconds"] as? Double ?? 0) >= 90)

            fixture.ingestHealth.disconnected()
            let disconnected = try await client.call(.get, "/health")
            #expect(disconnected.status == 503)
            #expect(((disconnected["checks"] as? [String: Any])?["broker"] as? [String: Any])?["ok"] as? Bool == false)
        }
    }

    @Test func metricsCountRequestsByRouteIngestAndOpenAlerts() async throws {
        let fixture = try await Fixture.make()
        _ = try await fixture.raiseAlerts()
        fixture.ingestCounters.committed(1234, duplicates: 5)
        fixture.ingestCounters.deadLetter(gateway: "gw-9")
        try await fixture.run { client in
            let nurse = try await client.login("caregiverA").access
            for _ in 0..<3 { _ = try await client.call(.get, "/api/v1/patients/\(fixture.teamPatient)", token: nurse) }
            _ = try await client.call(.get, "/api/v1/patients/\(fixture.otherPatient)", token: nurse)
            let first = try await client.text("/metrics")
            #expect(first.contains(#"silverwatch_http_request_duration_seconds_count{method="GET",route="/api/v1/patients/{patientId}",status="200"} 3"#),
                    "\(first)")
            #expect(first.contains(#"silverwatch_http_request_duration_seconds_count{method="GET",route="/api/v1/patients/{patientId}",status="404"} 1"#))
            #expect(first.contains("silverwatch_ingest_readings_committed_total 1234"))
            #expect(first.contains(#"silverwatch_ingest_dead_letters_total{gateway="gw-9"} 1"#))
            #expect(first.contains(#"silverwatch_alerts_open{status="unacknowledged",priority="high",category="physiological"} 2"#))
            #expect(first.contains("silverwatch_broker_connected 1"))
            // Counters keep counting across scrapes, by what happened in between.
            fixture.ingestCounters.committed(6, duplicates: 0)
            #expect(try await client.text("/metrics").contains("silverwatch_ingest_readings_committed_total 1240"))
        }
    }
}

extension APIClient {
    /// A plain-text response's body.
    func text(_ path: String) async throws -> String {
        let response = try await client.executeRequest(uri: path, method: .get, headers: [:], body: nil)
        return String(buffer: response.body)
    }
}
