import APITestSupport
import BrokerSupport
import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import Testing
import Vitals

/// The whole path a caregiver depends on: a simulated oximeter desaturates, the agent publishes through a real
/// Mosquitto, the hub stores the readings and raises the alert, the caregiver's WebSocket receives it, and the
/// caregiver acknowledges it through the API, which the socket then reports too.
@Suite(.serialized) struct EndToEndAPITests {
    @Test(.timeLimit(.minutes(2))) func aDesaturationReachesTheCaregiversSocketAndIsAcknowledgedThroughTheAPI() async throws {
        try await withBroker { broker in
            let deployment = try await Deployment(brokerPort: broker.port, rules: try quickRules())
            let alerting = Alerting(database: deployment.database, rules: RuleSetProvider(defaults: deployment.rules))
            var configuration = APIConfiguration()
            configuration.passwordHashCost = 4
            let api = try await APIEnvironment(database: deployment.database, alerting: alerting, configuration: configuration)
            let nurse = try await deployment.database.createAccount(
                NewAccount(username: "nurse", displayName: "Nurse Joy", role: .caregiver, title: "Registered nurse"),
                passwordHash: try await api.passwords.hash("a long enough secret"), at: Date())
            try await deployment.database.setCareTeamMember(patientID: deployment.patient, caregiverID: nurse.id, member: true, at: Date())

            deployment.oximeter.serve(rate: 5)
            let hub = Task { try await deployment.hub(alerts: alerting.book, technical: alerting.technical).run() }
            let agent = Task { try await deployment.agent().run() }
            defer { hub.cancel(); agent.cancel() }
            #expect(try await eventually(within: .seconds(10)) { try await deployment.database.storedSequences(device: "oxi-1").count >= 5 })

            let app = Application(router: buildRouter(api), server: .http1WebSocketUpgrade(webSocketRouter: buildWebSocketRouter(api)))
            try await app.test(.live) { client in
                let login = try await client.executeRequest(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "application/json"],
                                                            body: ByteBuffer(string: #"{"username": "nurse", "password": "a long enough secret"}"#))
                let token = try #require((try JSONSerialization.jsonObject(with: Data(login.body.readableBytesView)) as? [String: Any])?["accessToken"] as? String)
                try await client.ws("/api/v1/live") { inbound, outbound, _ in
                    var socket = LiveSocket(inbound, outbound)
                    try await socket.hello(token: token)
                    _ = try await socket.until("ready")

                    deployment.oximeter.set(spo2: 84)
                    let desaturatedAt = ContinuousClock.now
                    var raised: [String: Any]?
                    while raised == nil, let message = try await socket.next() {
                        let alert = message["alert"] as? [String: Any]
                        if message["type"] as? String == "alert", alert?["priority"] as? String == "high" { raised = alert }
                    }
                    let alert = try #require(raised, "no high-priority alert reached the socket")
                    #expect(ContinuousClock.now - desaturatedAt < .seconds(3 + 5), "within the rule's 3 s sustain plus a few seconds")
                    #expect((alert["cause"] as? [String: Any])?["ruleId"] as? String == "spo2-low")
                    #expect(alert["patientId"] as? Int64 == deployment.patient)
                    let id = try #require(alert["id"] as? Int64)

                    let acknowledged = try await client.executeRequest(uri: "/api/v1/alerts/\(id)/acknowledge", method: .post,
                                                                       headers: [.authorization: "Bearer \(token)"], body: nil)
                    #expect(acknowledged.status == .ok)
                    // The acknowledgement comes back over the socket, as the caregiver's colleagues would see it.
                    var acknowledgement: [String: Any]?
                    while acknowledgement == nil, let message = try await socket.next() {
                        if message["type"] as? String == "alert", (message["alert"] as? [String: Any])?["id"] as? Int64 == id,
                           (message["event"] as? [String: Any])?["acknowledged"] != nil {
                            acknowledgement = message
                        }
                    }
                    #expect((acknowledgement?["alert"] as? [String: Any])?["status"] as? String == "acknowledged")
                    #expect(acknowledgement?["actorId"] as? Int64 == nurse.id)
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
            // Escalation stopped in the hub's live alerting: the alert is acknowledged there too.
            let open = try await deployment.database.openAlerts()[deployment.patient] ?? []
            #expect(open.first { $0.priority == .high }?.status == .acknowledged)
        }
    }
}
