import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A clock the tests move by hand: token expiry, idle sessions and locks without waiting.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    func now() -> Date { time.withLock { $0 } }
    func advance(_ duration: Duration) { time.withLock { $0 = $0.addingTimeInterval(Double(duration.components.seconds)) } }
}

/// A hub database through the real migrator, the real router, and one account of each role: two caregivers with
/// one patient each on their care teams, a technician, and a patient account for the first caregiver's patient.
struct Fixture {
    static let password = "correct horse battery"

    let database: AppDatabase
    let clock: TestClock
    let api: APIEnvironment
    let accounts: [String: Int64]
    /// On caregiverA's care team; the `patient` account is this patient's.
    let teamPatient: Int64
    /// On caregiverB's care team only.
    let otherPatient: Int64

    static func make(_ configure: (inout APIConfiguration) -> Void = { _ in }) async throws -> Fixture {
        let database = try AppDatabase.inMemory()
        let clock = TestClock()
        var configuration = APIConfiguration()
        configuration.passwordHashCost = 4
        configure(&configuration)
        let api = try await APIEnvironment(database: database, configuration: configuration, now: { clock.now() })
        let teamPatient = try await database.createPatient(displayName: "Ada", yearOfBirth: 1941, conditions: ["COPD"], spo2Scale: 2, onOxygen: false, at: clock.now()).id
        let otherPatient = try await database.createPatient(displayName: "Brian", yearOfBirth: 1950, conditions: [], spo2Scale: 1, onOxygen: false, at: clock.now()).id
        var accounts: [String: Int64] = [:]
        let hash = try await api.passwords.hash(password)
        for (name, role, patientID) in [("admin", Role.admin, nil), ("caregiverA", .caregiver, nil), ("caregiverB", .caregiver, nil),
                                        ("technician", .technician, nil), ("patient", .patient, Optional(teamPatient))] {
            accounts[name] = try await database.createAccount(
                NewAccount(username: name, displayName: name, role: role, title: role == .caregiver ? "Nurse" : nil, patientID: patientID),
                passwordHash: hash, at: clock.now()).id
        }
        try await database.setCareTeamMember(patientID: teamPatient, caregiverID: accounts["caregiverA"] ?? 0, member: true, at: clock.now())
        try await database.setCareTeamMember(patientID: otherPatient, caregiverID: accounts["caregiverB"] ?? 0, member: true, at: clock.now())
        return Fixture(database: database, clock: clock, api: api, accounts: accounts, teamPatient: teamPatient, otherPatient: otherPatient)
    }

    /// Runs `body` against the real router, in process.
    func run<Value: Sendable>(_ body: @Sendable @escaping (APIClient) async throws -> Value) async throws -> Value {
        try await Application(router: buildRouter(api)).test(.router) { client in try await body(APIClient(client: client)) }
    }
}

/// A response as the tests read it: status, headers, and the body as JSON.
struct APIResponse {
    var status: Int
    var headers: HTTPFields
    var json: Any?

    subscript(_ key: String) -> Any? { (json as? [String: Any])?[key] }
    var errorCode: String? { ((json as? [String: Any])?["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { ((json as? [String: Any])?["error"] as? [String: Any])?["field"] as? String }
    var items: [[String: Any]] { (self["items"] as? [[String: Any]]) ?? [] }
}

struct APIClient: Sendable {
    let client: any TestClientProtocol

    func call(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, body: String? = nil) async throws -> APIResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        let data = Data(buffer: response.body)
        return APIResponse(status: Int(response.status.code), headers: response.headers,
                           json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }

    /// Signs in; fails the test when refused.
    func login(_ username: String, password: String = Fixture.password) async throws -> (access: String, refresh: String) {
        let response = try await call(.post, "/api/v1/auth/login", body: #"{"username": "\#(username)", "password": "\#(password)"}"#)
        try #require(response.status == 200, "login of \(username) answered \(response.status): \(String(describing: response.json))")
        return (try #require(response["accessToken"] as? String), try #require(response["refreshToken"] as? String))
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self.init(buffer.readableBytesView)
    }
}
