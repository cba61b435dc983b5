import Foundation
import Hub
import Telemetry
import Testing
import Vitals

/// The hub's own settings for gateways (published as their configuration) and devices (inactivity timeout).
@Suite struct RegistrySettingsTests {
    @Test func aDevicesOwnInactivityTimeoutDecidesWhenItIsOffline() {
        let technical = TechnicalAlarms()
        _ = technical.readings([TechnicalAlarmTests.stored(.oxygenSaturation, 97, at: 0)], arrivedAt: at(0)) { _ in "gw-1" }
        _ = technical.readings([TechnicalAlarmTests.stored(.bodyTemperature, 36.8, at: 0, device: "thermo-1")], arrivedAt: at(0)) { _ in "gw-1" }
        technical.setInactivityTimeouts(["thermo-1": .seconds(120)])
        // Three minutes of silence: past the thermometer's own 2 minutes, well within the default 10 minutes.
        let offline = technical.tick(now: at(180)).compactMap { $0.alert?.cause }.filter { $0 == .technical(.deviceOffline, deviceID: $0.deviceID) }
        #expect(offline == [.technical(.deviceOffline, deviceID: "thermo-1")])
    }

    @Test func aNewDeviceTakesItsTimeoutFromTheStartAndDefaultGivesItBack() {
        let technical = TechnicalAlarms()
        technical.setInactivityTimeouts(["oxi-1": .seconds(3600)])
        _ = technical.readings([TechnicalAlarmTests.stored(.bodyTemperature, 36.8, at: 0)], arrivedAt: at(0)) { _ in "gw-1" }
        #expect(!technical.tick(now: at(900)).contains { $0.alert?.cause == .technical(.deviceOffline, deviceID: "oxi-1") },
                "15 minutes of silence is within the device's own hour")
        technical.setInactivityTimeouts([:])
        #expect(technical.tick(now: at(960)).contains { $0.alert?.cause == .technical(.deviceOffline, deviceID: "oxi-1") },
                "back on the default 10 minutes, 16 minutes of silence is offline")
    }

    @Test func configuringAGatewayVersionsItsConfiguration() async throws {
        let temp = try TemporaryDatabase()
        let database = temp.database
        try await database.registerDevice("oxi-1", gatewayID: "gw-1", at: origin)
        #expect(try await database.gatewayConfigurations().isEmpty, "nothing to publish before the hub sets anything")
        #expect(try await database.gatewaysWithoutConfiguration() == ["gw-1"], "its retained configuration is to be cleared")
        let first = try await database.configureGateway("gw-1", statusInterval: .seconds(30))
        let epoch = first.epoch
        #expect(epoch.count == 16, "a random epoch made with the database")
        #expect(first == GatewayConfiguration(gateway: "gw-1", epoch: epoch, version: 1, statusIntervalSeconds: 30))
        let second = try await database.configureGateway("gw-1", resendAfter: .seconds(20))
        #expect(second == GatewayConfiguration(gateway: "gw-1", epoch: epoch, version: 2, statusIntervalSeconds: 30, resendAfterSeconds: 20),
                "a setting left out stays as it was")
        let third = try await database.configureGateway("gw-1", statusInterval: .agentDefault)
        #expect(third == GatewayConfiguration(gateway: "gw-1", epoch: epoch, version: 3, resendAfterSeconds: 20), "default hands it back to the agent")
        #expect(try await database.gatewayConfigurations() == [third])
        #expect(try await database.gatewaysWithoutConfiguration().isEmpty)
        try await database.apply(GatewayStatus(gateway: "gw-1", state: .online, reportedAt: origin.millisecondsSince1970, configVersion: 3, configEpoch: "another"), at: origin)
        #expect(try await database.appliedConfigurationVersions().isEmpty, "version 3 of another database's epoch is not this one")
        try await database.apply(GatewayStatus(gateway: "gw-1", state: .online, reportedAt: origin.millisecondsSince1970, configVersion: 3, configEpoch: epoch), at: origin)
        #expect(try await database.appliedConfigurationVersions() == ["gw-1": 3])
        let other = try TemporaryDatabase()
        try await other.database.registerDevice("oxi-2", gatewayID: "gw-1", at: origin)
        #expect(try await other.database.configureGateway("gw-1", resendAfter: .seconds(9)).epoch != epoch, "each database its own epoch")
    }

    @Test func badSettingsAreRefusedNamingTheField() async throws {
        let temp = try TemporaryDatabase()
        let database = temp.database
        try await database.registerDevice("oxi-1", gatewayID: "gw-1", at: origin)
        await #expect(throws: RegistryError.invalidSetting(field: "statusIntervalSeconds", reason: "4 s is not within 5–3600 s")) {
            try await database.configureGateway("gw-1", statusInterval: .seconds(4))
        }
        await #expect(throws: RegistryError.unknownGateway("gw-9")) { try await database.configureGateway("gw-9", resendAfter: .seconds(30)) }
        await #expect(throws: RegistryError.invalidSetting(field: "inactivityTimeoutSeconds", reason: "59 s is not within 60–86400 s")) {
            try await database.setInactivityTimeout(device: "oxi-1", .seconds(59))
        }
        await #expect(throws: RegistryError.unknownDevice("oxi-9")) { try await database.setInactivityTimeout(device: "oxi-9", .seconds(300)) }
        try await database.setInactivityTimeout(device: "oxi-1", .seconds(300))
        #expect(try await database.inactivityTimeouts() == ["oxi-1": .seconds(300)])
        try await database.setInactivityTimeout(device: "oxi-1", .agentDefault)
        #expect(try await database.inactivityTimeouts().isEmpty)
    }
}

private extension AlertCause {
    var deviceID: String {
        switch self {
        case .technical(_, let device), .fall(let device): device
        case .rule, .earlyWarningScore: ""
        }
    }
}
