import Foundation
@testable import Hub
@testable import HubAPI
import Hummingbird
import Telemetry
import Testing
import Vitals

/// Devices and gateways through the API, for technicians.
@Suite("Devices and gateways")
struct FleetAPITests {
    /// `ox-team` (Ada's oximeter) on a low battery with a weak signal, `therm-team` healthy, both on `gw-1` (online);
    /// `ox-other` (Brian's) behind `gw-2`, whose last will said offline.
    static func fleet(_ fixture: Fixture) async throws {
        let now = fixture.clock.now()
        for (device, gateway, patient) in [("ox-team", "gw-1", fixture.teamPatient), ("therm-team", "gw-1", fixture.teamPatient), ("ox-other", "gw-2", fixture.otherPatient)] {
            try await fixture.database.registerDevice(device, gatewayID: gateway, at: now)
            try await fixture.database.assign(device: device, to: patient, since: now.addingTimeInterval(-3600))
        }
        try await fixture.database.apply(GatewayStatus(gateway: "gw-1", state: .online, version: "1.2.0"), at: now)
        try await fixture.database.apply(GatewayStatus(gateway: "gw-2", state: .online), at: now.addingTimeInterval(-120))
        try await fixture.database.apply(GatewayStatus(gateway: "gw-2", state: .offline), at: now.addingTimeInterval(-60))
        for (device, gateway, battery, rssi) in [("ox-team", "gw-1", 15, -90), ("therm-team", "gw-1", 90, -60), ("ox-other", "gw-2", 80, -60)] {
            _ = try await fixture.database.apply(DeviceStatus(device: device, connected: true, batteryPercent: battery, rssiDBm: rssi,
                                                              reportedAt: now.millisecondsSince1970), gatewayID: gateway, at: now)
        }
    }

    @Test func statusListsShowWhatNeedsAttentionToWhoMaySeeIt() async throws {
        let fixture = try await Fixture.make()
        try await Self.fleet(fixture)
        try await fixture.run { client in
            let technician = try await client.login("technician").access
            func ids(_ query: String, _ token: String) async throws -> [String] {
                try await client.call(.get, "/api/v1/devices\(query)", token: token).items.compactMap { $0["id"] as? String }.sorted()
            }
            #expect(try await ids("", technician) == ["ox-other", "ox-team", "therm-team"])
            #expect(try await ids("?status=low-battery", technician) == ["ox-team"])
            #expect(try await ids("?status=weak-signal", technician) == ["ox-team"])
            #expect(try await ids("?status=offline", technician) == ["ox-other"])
            #expect(try await ids("?gatewayId=gw-1", technician) == ["ox-team", "therm-team"])
            #expect(try await client.call(.get, "/api/v1/devices?status=broken", token: technician).errorField == "status")
            let caregiver = try await client.login("caregiverA").access
            #expect(try await ids("", caregiver) == ["ox-team", "therm-team"])
            #expect(try await client.call(.get, "/api/v1/devices/ox-other", token: caregiver).status == 404)
            #expect(try await client.call(.get, "/api/v1/devices", token: try await client.login("patient").access).status == 403)
            let gateway = try await client.call(.get, "/api/v1/gateways/gw-2", token: technician)
            #expect(gateway["online"] as? Bool == false)
            #expect(gateway["deviceCount"] as? Int == 1)
            let history = try await client.call(.get, "/api/v1/gateways/gw-2/status-history", token: technician)
            #expect(history.items.map { $0["online"] as? Bool } == [false, true])
        }
    }

    @Test func assignmentsKeepTheirHistoryAndRefuseRewritingIt() async throws {
        let fixture = try await Fixture.make()
        try await Self.fleet(fixture)
        try await fixture.run { client in
            let technician = try await client.login("technician").access
            let path = "/api/v1/devices/therm-team/assignment"
            let moved = try await client.call(.put, path, token: technician, body: #"{"patientId": \#(fixture.otherPatient)}"#)
            #expect(moved.status == 200)
            let assignments = try #require(moved["assignments"] as? [[String: Any]])
            #expect(assignments.map { $0["patientId"] as? Int64 } == [fixture.teamPatient, fixture.otherPatient])
            #expect(assignments.first?["until"] != nil)
            #expect(assignments.last?["until"] == nil)
            // Before the current assignment began: refused, not silently rewriting who a reading belonged to.
            let rewrite = try await client.call(.put, path, token: technician, body: #"{"patientId": \#(fixture.teamPatient), "since": "2027-01-15T06:00:00Z"}"#)
            #expect(rewrite.status == 409)
            #expect(try await client.call(.put, path, token: technician, body: #"{"patientId": 999}"#).errorField == "patientId")
            // Nor inside an assignment that has ended: ending it, then assigning from before its end, is refused.
            fixture.clock.advance(.seconds(120))
            #expect(try await client.call(.put, path, token: technician, body: #"{"patientId": null}"#).status == 200)
            let inside = try await client.call(.put, path, token: technician, body: #"{"patientId": \#(fixture.teamPatient), "since": "\#(APIJSON.iso8601(fixture.clock.now().addingTimeInterval(-300)))"}"#)
            #expect(inside.status == 409)
            #expect(try await client.call(.put, path, token: technician, body: #"{"patientId": null, "since": "2030-01-01T00:00:00Z"}"#).errorField == "since")
            // The change is in the audit log, for both patients.
            let entries = try await fixture.database.auditEntries(AuditFilter(action: "device.assign"), before: nil, limit: 10)
            #expect(Set(entries.compactMap(\.record.patientID)) == [fixture.teamPatient, fixture.otherPatient])
        }
    }

    @Test func statusHistoryRecordsChangesNotRepeats() async throws {
        let fixture = try await Fixture.make()
        try await fixture.database.registerDevice("ox-1", gatewayID: "gw-1", at: fixture.clock.now())
        let statuses: [(Bool, Int, Int)] = [(true, 50, -60), (true, 49, -60), (true, 49, -60), (true, 49, -62), (true, 49, -70), (false, 49, -70)]
        for (index, (connected, battery, rssi)) in statuses.enumerated() {
            let time = fixture.clock.now().addingTimeInterval(Double(index * 60))
            _ = try await fixture.database.apply(DeviceStatus(device: "ox-1", connected: connected, batteryPercent: battery, rssiDBm: rssi,
                                                              reportedAt: time.millisecondsSince1970), gatewayID: "gw-1", at: time)
        }
        try await fixture.run { client in
            let technician = try await client.login("technician").access
            let history = try await client.call(.get, "/api/v1/devices/ox-1/status-history", token: technician)
            #expect(history.items.map { [$0["connected"] as? Bool == true ? 1 : 0, $0["batteryPercent"] as? Int ?? 0, $0["rssiDBm"] as? Int ?? 0] }
                == [[0, 49, -70], [1, 49, -70], [1, 49, -60], [1, 50, -60]])
        }
    }

    @Test func devicesAndGatewaysAreRegisteredAndConfiguredWithTheirFieldsChecked() async throws {
        let fixture = try await Fixture.make()
        try await Self.fleet(fixture)
        try await fixture.run { client in
            let technician = try await client.login("technician").access
            let created = try await client.call(.post, "/api/v1/devices", token: technician, body: #"{"deviceId": "bp-cuff-7", "gatewayId": "gw-1"}"#)
            #expect(created.status == 201)
            #expect(created.headers[.location] == "/api/v1/devices/bp-cuff-7")
            let taken = try await client.call(.post, "/api/v1/devices", token: technician, body: #"{"deviceId": "ox-other", "gatewayId": "gw-1"}"#)
            #expect(taken.status == 409)
            #expect(try await client.call(.post, "/api/v1/devices", token: technician, body: #"{"deviceId": "a/b", "gatewayId": "gw-1"}"#).errorField == "deviceId")
            let timeout = try await client.call(.patch, "/api/v1/devices/bp-cuff-7", token: technician, body: #"{"inactivityTimeoutSeconds": 10}"#)
            #expect(timeout.errorField == "inactivityTimeoutSeconds")
            #expect(try await client.call(.patch, "/api/v1/devices/bp-cuff-7", token: technician, body: #"{"inactivityTimeoutSeconds": 7200}"#).status == 200)
            #expect(try await fixture.database.inactivityTimeouts()["bp-cuff-7"] == .seconds(7200))

            let configured = try await client.call(.patch, "/api/v1/gateways/gw-1", token: technician, body: #"{"statusIntervalSeconds": 30}"#)
            let configuration = try #require(configured["configuration"] as? [String: Any])
            #expect(configuration["version"] as? Int == 1)
            #expect(configuration["statusIntervalSeconds"] as? Int == 30)
            #expect(configuration["applied"] as? Bool == false)
            #expect(try await client.call(.patch, "/api/v1/gateways/gw-1", token: technician, body: #"{"resendAfterSeconds": 2}"#).errorField == "resendAfterSeconds")
            let reset = try await client.call(.patch, "/api/v1/gateways/gw-1", token: technician, body: #"{"statusIntervalSeconds": null}"#)
            #expect((reset["configuration"] as? [String: Any])?["statusIntervalSeconds"] == nil)
            #expect(try await client.call(.get, "/api/v1/gateways/nowhere", token: technician).status == 404)
        }
    }
}
