import Foundation
import Hub
import Telemetry
import Testing
import Vitals

@Suite struct TechnicalAlarmTests {
    static func setUp() async throws -> (TemporaryDatabase, Int64) {
        let temp = try TemporaryDatabase()
        let patient = try await temp.database.createPatient(displayName: "Ada", at: origin)
        try await temp.database.registerDevice("oxi-1", gatewayID: "gw-1", at: origin)
        try await temp.database.assign(device: "oxi-1", to: patient, since: at(-3600))
        return (temp, patient)
    }

    static func stored(_ kind: VitalKind, _ value: Double, at seconds: Double, device: String = "oxi-1") -> StoredReading {
        StoredReading(reading: Reading(kind: kind, value: value, measuredAt: at(seconds), source: ReadingSource(deviceID: device, sequence: UInt64(seconds * 10))), patientID: 1)
    }

    @Test func aGatewaysLastWillTakesItsDevicesOfflineAndComingBackClearsIt() async throws {
        let (temp, patient) = try await Self.setUp()
        let technical = TechnicalAlarms()
        _ = technical.readings([Self.stored(.oxygenSaturation, 97, at: 0)], arrivedAt: at(0)) { _ in "gw-1" }
        let offline = technical.gatewayStatus(GatewayStatus.lastWill(gateway: "gw-1"), at: at(5))
        #expect(offline.map { $0.alert?.cause } == [.technical(.deviceOffline, deviceID: "oxi-1")])
        #expect(offline.first?.alert?.priority == .medium)
        try await temp.database.storeTechnical(offline, at: at(5))
        let open = try await temp.database.alertSummaries()
        #expect(open.map(\.cause) == ["device-offline (device oxi-1)"])
        #expect(open.first?.patientID == patient, "filed under the device's patient")
        let back = technical.gatewayStatus(GatewayStatus(gateway: "gw-1", state: .online, reportedAt: at(60).millisecondsSince1970), at: at(60))
        try await temp.database.storeTechnical(back, at: at(60))
        #expect(try await temp.database.alertSummaries().isEmpty, "a medium technical alert resolves itself when the condition clears")
    }

    @Test func batteryLevelsRaiseAndEscalateOneAlert() async throws {
        let (temp, _) = try await Self.setUp()
        let technical = TechnicalAlarms()
        for (second, battery) in [(0.0, 50), (60, 29), (120, 25), (180, 19)] {
            let actions = technical.deviceStatus(DeviceStatus(device: "oxi-1", connected: true, batteryPercent: battery, reportedAt: at(second).millisecondsSince1970),
                                                 gatewayID: "gw-1", at: at(second))
            try await temp.database.storeTechnical(actions, at: at(second))
        }
        let open = try await temp.database.alertSummaries()
        #expect(open.count == 1)
        #expect(open.first?.priority == .medium)
        #expect(open.first?.summary == "Battery at 19 % (urgent at or below 20 %)")
    }

    @Test func onlyContinuousDevicesGoStale() async throws {
        let technical = TechnicalAlarms()
        _ = technical.readings([Self.stored(.oxygenSaturation, 97, at: 0)], arrivedAt: at(0)) { _ in "gw-1" }
        _ = technical.readings([Self.stored(.bodyTemperature, 36.8, at: 0, device: "thermo-1")], arrivedAt: at(0)) { _ in "gw-1" }
        // Both devices keep reporting their status (the gateway is alive), but only the thermometer is meant to be quiet.
        for minute in 1...11 {
            for device in ["oxi-1", "thermo-1"] {
                _ = technical.deviceStatus(DeviceStatus(device: device, connected: true, reportedAt: at(Double(minute * 60)).millisecondsSince1970),
                                           gatewayID: "gw-1", at: at(Double(minute * 60)))
            }
        }
        let actions = technical.tick(now: at(660))
        #expect(actions.compactMap { $0.alert?.cause } == [.technical(.staleData, deviceID: "oxi-1")])
    }

    @Test func anOpenTechnicalAlertIsRestoredAndUpdatedRatherThanRaisedTwice() async throws {
        let (temp, _) = try await Self.setUp()
        let first = TechnicalAlarms()
        try await temp.database.storeTechnical(
            first.deviceStatus(DeviceStatus(device: "oxi-1", connected: true, batteryPercent: 25, reportedAt: at(0).millisecondsSince1970), gatewayID: "gw-1", at: at(0)),
            at: at(0))
        // The hub restarts.
        let restarted = TechnicalAlarms()
        restarted.restore(try await temp.database.openTechnicalAlerts(), gatewayOf: try await temp.database.deviceGateways(), now: at(10))
        let worse = restarted.deviceStatus(DeviceStatus(device: "oxi-1", connected: true, batteryPercent: 15, reportedAt: at(60).millisecondsSince1970),
                                           gatewayID: "gw-1", at: at(60))
        try await temp.database.storeTechnical(worse, at: at(60))
        let open = try await temp.database.alertSummaries()
        #expect(open.count == 1)
        #expect(open.first?.priority == .medium)
        #expect(try await temp.database.openAlerts().isEmpty, "technical alerts are not restored into the physiological book")
    }

    @Test func readingsReplayedFromABacklogKeepTheDeviceFreshAndOnline() async throws {
        let technical = TechnicalAlarms()
        _ = technical.readings([Self.stored(.oxygenSaturation, 97, at: 0)], arrivedAt: at(0)) { _ in "gw-1" }
        // The gateway goes quiet for 30 minutes: stale and offline, rightly.
        let quiet: [AlertCause] = technical.tick(now: at(1800)).compactMap { $0.alert?.cause }
        #expect(Set(quiet) == [.technical(.staleData, deviceID: "oxi-1"), .technical(.deviceOffline, deviceID: "oxi-1")])
        // It comes back and replays its outbox: readings measured from 10 s on, arriving from 1,801 s on, one
        // tick between arrivals. Neither alarm may come back while they arrive.
        var raised: [AlertCause] = []
        for second in stride(from: 10, through: 1790, by: 10) {
            let arrival = 1801 + Double(second) / 100
            let actions = technical.readings([Self.stored(.oxygenSaturation, 97, at: Double(second))], arrivedAt: at(arrival)) { _ in "gw-1" }
                + technical.tick(now: at(arrival))
            for action in actions { if case .raise(let alert) = action { raised.append(alert.cause) } }
        }
        #expect(raised.isEmpty, "raised again during the replay: \(raised)")
        // Silence after the backlog is staleness again, counted from the last arrival.
        let later: [AlertCause] = technical.tick(now: at(1819 + 601)).compactMap { $0.alert?.cause }
        #expect(later.contains(.technical(.staleData, deviceID: "oxi-1")))
    }
}
