import Fleet
import Simulation
import Testing

@Suite struct FleetPlanTests {
    @Test func aPlanNamesGroupsOfGatewaysInOrder() throws {
        let plan = try FleetPlan(parsing: "desaturation@180:2,stable:3")
        #expect(plan.gatewayCount == 5)
        #expect(plan.assignment(ofGateway: 0)?.scenario == .desaturation)
        #expect(plan.assignment(ofGateway: 1)?.start == 180)
        #expect(plan.assignment(ofGateway: 2)?.scenario == .stable)
        #expect(plan.assignment(ofGateway: 2)?.start == 0)
        #expect(plan.assignment(ofGateway: 4)?.scenario == .stable)
        #expect(plan.assignment(ofGateway: 5) == nil)
    }

    @Test(arguments: [
        ("stable", "stable", "expected SCENARIO[@START]:COUNT with a positive count"),
        ("stable:0", "stable:0", "expected SCENARIO[@START]:COUNT with a positive count"),
        ("stable:1,calm:3", "calm:3", "unknown scenario \"calm\""),
        ("fever@-5:1", "fever@-5:1", "the start must be a number of seconds, 0 or more"),
        ("fever@1@2:1", "fever@1@2:1", "more than one @"),
        ("stable:2,", "", "expected SCENARIO[@START]:COUNT with a positive count"),
    ])
    func aBadPlanNamesThePartAndWhy(text: String, part: String, reason: String) {
        #expect {
            _ = try FleetPlan(parsing: text)
        } throws: { error in
            guard let error = error as? FleetPlanError else { return false }
            return error.part == part && error.reason.hasPrefix(reason)
        }
    }

    @Test func latencyPercentilesAreNearestRank() throws {
        let summary = try #require(LatencySummary(milliseconds: (1...200).map(Double.init).shuffled()))
        #expect(summary.count == 200)
        #expect(summary.p50 == 100)
        #expect(summary.p99 == 198)
        #expect(summary.maximum == 200)
        #expect(LatencySummary(milliseconds: []) == nil)
    }
}
