import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import HummingbirdTesting
import Synchronization
import Telemetry
import Vitals
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
    /// The hub's live alerting, with every priority latching so that alerts whose condition cleared stay open.
    let alerting: Alerting
    /// Ingest's health as /health reads it: connected, nothing waiting, unless a test says otherwise.
    let ingestHealth: IngestHealth
    let ingestCounters: IngestCounters
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
        let alerting = Alerting(database: database, policy: AlertPolicy(latchingPriorities: Set(AlarmPriority.allCases)))
        let ingestHealth = IngestHealth()
        ingestHealth.connected(buffer: MessageBuffer())
        let ingestCounters = IngestCounters()
        let api = try await APIEnvironment(database: database, alerting: alerting, ingestHealth: ingestHealth, ingestCounters: ingestCounters,
                                           configuration: configuration, now: { clock.now() })
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
        return Fixture(database: database, clock: clock, api: api, alerting: alerting, ingestHealth: ingestHealth, ingestCounters: ingestCounters, accounts: accounts, teamPatient: teamPatient, otherPatient: otherPatient)
    }

    /// The alerts `raiseAlerts()` made.
    struct Alerts {
        /// High priority, SpO2 low, of `teamPatient` (condition cleared, latched open).
        var team: Int64
        /// The same for `otherPatient`.
        var other: Int64
        /// Low battery of `teamPatient`'s thermometer (cleared, latched open): a device alert.
        var device: Int64
    }

    /// Raises alerts through the real ingest path: two minutes of SpO2 at 84 % then 97 % from each patient's
    /// oximeter, and a thermometer whose battery ran low and was replaced.
    func raiseAlerts() async throws -> Alerts {
        let start = clock.now().addingTimeInterval(-600)
        for (device, patient) in [("ox-team", teamPatient), ("ox-other", otherPatient), ("therm-team", teamPatient)] {
            try await database.registerDevice(device, gatewayID: "gw-1", at: start)
            try await database.assign(device: device, to: patient, since: start)
        }
        for (device, values) in [("ox-team", Array(repeating: 84.0, count: 120) + Array(repeating: 97.0, count: 60)),
                                 ("ox-other", Array(repeating: 84.0, count: 120) + Array(repeating: 97.0, count: 60))] {
            let entries = values.enumerated().map { index, value in
                let time = start.addingTimeInterval(Double(index))
                return ReadingBatch.entry(Reading(kind: .oxygenSaturation, value: value, measuredAt: time), seq: UInt64(index + 1), receivedAt: time)
            }
            let batch = ReadingBatch(gateway: "gw-1", device: device, readings: entries)
            let incoming = IncomingReadings(gatewayID: "gw-1", deviceID: device, readings: try batch.validated(gateway: "gw-1", device: device),
                                            topic: "silverwatch/v1/gw-1/\(device)/readings", payload: PayloadCodec.encode(batch))
            _ = try await database.commit([incoming], receivedAt: start.addingTimeInterval(200), alerts: alerting.book)
        }
        for (second, battery) in [(0.0, 8), (60.0, 100)] {
            let time = start.addingTimeInterval(second)
            try await database.storeTechnical(at: time) { [alerting] in
                alerting.technical.deviceStatus(DeviceStatus(device: "therm-team", connected: true, batteryPercent: battery, reportedAt: time.millisecondsSince1970),
                                                gatewayID: "gw-1", at: time)
            }
        }
        let all = try await database.alerts(in: .all, AlertFilter(), before: nil, limit: 10)
        func find(_ patient: Int64, _ category: AlertCategory) throws -> Int64 {
            try #require(all.first { $0.patientID == patient && $0.alert.cause.category == category }?.id, "no \(category) alert for patient \(patient) in \(all)")
        }
        return Alerts(team: try find(teamPatient, .physiological), other: try find(otherPatient, .physiological), device: try find(teamPatient, .technical))
    }

    /// Commits readings of `kind` from `device` (registered and assigned to `patient` from `start` if new), one every
    /// `interval` seconds from `start`, through the real ingest path with the live alerting.
    func commitReadings(device: String, patient: Int64?, kind: VitalKind, values: [Double], start: Date, interval: Double = 1,
                        firstSeq: UInt64 = 1, flags: DeviceQualityFlags = []) async throws {
        if try await !database.devices().contains(where: { $0.externalID == device }) {
            try await database.registerDevice(device, gatewayID: "gw-1", at: start)
            if let patient { try await database.assign(device: device, to: patient, since: start) }
        }
        // Large histories go in slices, as a gateway would send them.
        for offset in stride(from: 0, to: values.count, by: 1000) {
            let entries = values[offset..<min(values.count, offset + 1000)].enumerated().map { index, value in
                let time = start.addingTimeInterval(Double(offset + index) * interval)
                return ReadingBatch.entry(Reading(kind: kind, value: value, measuredAt: time, deviceFlags: flags), seq: firstSeq + UInt64(offset + index), receivedAt: time)
            }
            let batch = ReadingBatch(gateway: "gw-1", device: device, readings: entries)
            let incoming = IncomingReadings(gatewayID: "gw-1", deviceID: device, readings: try batch.validated(gateway: "gw-1", device: device),
                                            topic: "silverwatch/v1/gw-1/\(device)/readings", payload: PayloadCodec.encode(batch))
            _ = try await database.commit([incoming], receivedAt: clock.now(), alerts: alerting.book)
        }
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
    /// The body as sent.
    var body = Data()

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
                           json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data), body: data)
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
