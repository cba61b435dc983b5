import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import Testing
import APITestSupport
import Vitals

extension Fixture {
    /// Runs `body` against the real server on a free loopback port, WebSockets included.
    func runLive<Value: Sendable>(_ body: @Sendable @escaping (APIClient) async throws -> Value) async throws -> Value {
        let app = Application(router: buildRouter(api), server: .http1WebSocketUpgrade(webSocketRouter: buildWebSocketRouter(api)))
        return try await app.test(.live) { client in try await body(APIClient(client: client)) }
    }
}

/// The live WebSocket: who receives what, resuming after a reconnect, and a session ending.
@Suite("Live push", .timeLimit(.minutes(1)))
struct LiveAPITests {
    @Test func eachCaregiverReceivesTheAlertsOfTheirOwnPatientsOnly() async throws {
        let fixture = try await Fixture.make()
        try await fixture.runLive { client in
            let tokenA = try await client.login("caregiverA").access
            let tokenB = try await client.login("caregiverB").access
            let raised = Raised()
            try await withThrowingTaskGroup(of: (String, Set<Int64>).self) { group in
                for (name, token) in [("A", tokenA), ("B", tokenB)] {
                    group.addTask {
                        let received = Box<Set<Int64>>([])
                        try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                            var socket = LiveSocket(inbound, outbound)
                            try await socket.hello(token: token)
                            let ready = try await socket.until("ready")
                            #expect(ready.last?["role"] as? String == "caregiver")
                            await raised.arrive()
                            // A: the oximeter's SpO2 alert and the thermometer's battery alert; B: Brian's SpO2 alert.
                            received.value = alertIDs(try await socket.alerts(atLeast: name == "A" ? 2 : 1))
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                        return (name, received.value)
                    }
                }
                // Both are subscribed before anything is raised.
                await raised.waitForArrivals(2)
                let alerts = try await fixture.raiseAlerts()
                var results: [String: Set<Int64>] = [:]
                for try await (name, received) in group { results[name] = received }
                #expect(results["A"] == [alerts.team, alerts.device])
                #expect(results["B"] == [alerts.other])
            }
        }
    }

    @Test func everyRoleSubscribesToWhatItMaySee() async throws {
        let fixture = try await Fixture.make()
        try await fixture.runLive { client in
            for (name, patients) in [("admin", [fixture.teamPatient, fixture.otherPatient]), ("caregiverA", [fixture.teamPatient]),
                                     ("technician", []), ("patient", [fixture.teamPatient])] {
                let token = try await client.login(name).access
                try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                    var socket = LiveSocket(inbound, outbound)
                    try await socket.hello(token: token)
                    let ready = try await socket.until("ready").last
                    #expect((ready?["patients"] as? [Int64]) == patients, "\(name): \(String(describing: ready))")
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
        }
    }

    @Test func aClientThatReconnectsWithItsCursorMissesNothing() async throws {
        let fixture = try await Fixture.make()
        try await fixture.runLive { client in
            let token = try await client.login("caregiverA").access
            let cursor = Box<String?>(nil)
            try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                var socket = LiveSocket(inbound, outbound)
                try await socket.hello(token: token)
                cursor.value = try await socket.until("ready").last?["cursor"] as? String
                try await outbound.close(.normalClosure, reason: nil)
            }
            // Raised while the client was away.
            let alerts = try await fixture.raiseAlerts()
            let resumeFrom = try #require(cursor.value)
            try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                var socket = LiveSocket(inbound, outbound)
                try await socket.hello(token: token, cursor: resumeFrom)
                let replayed = try await socket.until("ready")
                #expect(alertIDs(replayed) == [alerts.team, alerts.device])
                #expect(replayed.last?["truncated"] as? Bool == false)
                #expect(replayed.last?["resumed"] as? Bool == true)
                try await outbound.close(.normalClosure, reason: nil)
            }
            // Without a cursor nothing is replayed, and the client is told to load afresh.
            try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                var socket = LiveSocket(inbound, outbound)
                try await socket.hello(token: token)
                let ready = try await socket.until("ready")
                #expect(alertIDs(ready).isEmpty && ready.last?["resumed"] as? Bool == false)
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test func aCursorFromAnotherDatabaseIsNotResumedFromAndHidesNothingNew() async throws {
        let fixture = try await Fixture.make()
        let gate = Raised()
        try await fixture.runLive { client in
            let token = try await client.login("caregiverA").access
            // A cursor far past anything this database has stored, as a client of a database since restored from a
            // backup would hold: resuming from it would skip every new alert until the ids caught up.
            let future = PageRequest.cursor(for: try await fixture.database.lastAlertEventID() + 10_000)
            async let raised: Void = { await gate.waitForArrivals(1); _ = try await fixture.raiseAlerts() }()
            try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                var socket = LiveSocket(inbound, outbound)
                try await socket.hello(token: token, cursor: future)
                #expect(try await socket.until("ready").last?["resumed"] as? Bool == false)
                await gate.arrive()
                #expect(!alertIDs(try await socket.alerts(atLeast: 1)).isEmpty, "an alert raised after connecting was skipped")
                try await outbound.close(.normalClosure, reason: nil)
            }
            try await raised
        }
    }

    @Test func aQuietSocketStillHearsAHeartbeat() async throws {
        let fixture = try await Fixture.make()
        try await fixture.runLive { client in
            let token = try await client.login("technician").access
            try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                var socket = LiveSocket(inbound, outbound)
                try await socket.hello(token: token)
                _ = try await socket.until("ready")
                let heard = try await socket.until("heartbeat")
                #expect(heard.last?["at"] is String)
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test func aSocketIsRefusedWithoutAValidTokenAndClosedWhenItsSessionEnds() async throws {
        let fixture = try await Fixture.make()
        try await fixture.runLive { client in
            try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                var socket = LiveSocket(inbound, outbound)
                try await socket.hello(token: "not-a-token")
                let refused = try await socket.next()
                #expect(refused?["type"] as? String == "closing")
                #expect(try await socket.next() == nil)
            }
            let (token, _) = try await client.login("caregiverA")
            try await client.client.ws("/api/v1/live") { inbound, outbound, _ in
                var socket = LiveSocket(inbound, outbound)
                try await socket.hello(token: token)
                _ = try await socket.until("ready")
                #expect(try await client.call(.post, "/api/v1/auth/logout", token: token).status == 204)
                // Within the recheck interval the server notices and closes.
                let closing = try await socket.until("closing")
                #expect(closing.last?["reason"] as? String == "the session has ended")
            }
        }
    }
}

/// Lets the test raise alerts only once every socket is subscribed.
actor Raised {
    private var arrivals = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func arrive() {
        arrivals += 1
        let ready = waiters
        waiters = []
        for waiter in ready { waiter.resume() }
    }

    func waitForArrivals(_ count: Int) async {
        while arrivals < count { await withCheckedContinuation { waiters.append($0) } }
    }
}

