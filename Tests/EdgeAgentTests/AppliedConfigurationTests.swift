@testable import EdgeAgent
import Telemetry
import Testing

/// The agent's settings: its file's, overridden by the hub's configuration of one epoch and version at a time.
@Suite struct AppliedConfigurationTests {
    @Test func aVersionIsAppliedOncePerEpoch() throws {
        let applied = AppliedConfiguration(statusInterval: .seconds(60), resendAfter: .seconds(30))
        let old = GatewayConfiguration(gateway: "gw-1", epoch: "old", version: 1, statusIntervalSeconds: 7)
        let first = try #require(applied.apply(old))
        #expect(first.statusInterval == .seconds(7))
        #expect(first.resendAfter == .seconds(30), "a setting the hub leaves out stays the file's")
        #expect(applied.apply(old) == nil, "the retained message again after a reconnect changes nothing")
        // A new hub database counts from 1 again: its version 1 is new here.
        let fresh = try #require(applied.apply(GatewayConfiguration(gateway: "gw-1", epoch: "new", version: 1, resendAfterSeconds: 9)))
        #expect(fresh.statusInterval == .seconds(60), "back to the file's where the new configuration is silent")
        #expect(fresh.resendAfter == .seconds(9))
        #expect(fresh.epoch == "new" && fresh.version == 1)
    }

    @Test func clearingGoesBackToTheFile() throws {
        let applied = AppliedConfiguration(statusInterval: .seconds(60), resendAfter: .seconds(30))
        #expect(applied.clear() == nil, "nothing to clear")
        _ = applied.apply(GatewayConfiguration(gateway: "gw-1", epoch: "e", version: 4, statusIntervalSeconds: 5))
        let cleared = try #require(applied.clear())
        #expect(cleared == AppliedConfiguration.Values(statusInterval: .seconds(60), resendAfter: .seconds(30), version: nil, epoch: nil))
        #expect(applied.current == cleared)
    }
}
