import DeviceProtocols
import Simulation
import Testing

/// A scenario is a pure function of its seed: the same seed gives the same bytes, however it is stepped.
@Suite struct DeterminismTests {
    func bytes(_ messages: [DeviceMessage]) throws -> [[UInt8]] {
        try messages.map { try $0.payload.encoded() ?? [] }
    }

    @Test(arguments: [ScenarioKind.stable, .fall, .deterioration])
    func theSameSeedGivesTheSameBytesWhateverTheStepSize(kind: ScenarioKind) throws {
        var once = Scenario(kind, seed: 42, speed: 10)
        var often = Scenario(kind, seed: 42, speed: 10)
        let inOneStep = once.advance(to: .seconds(60))
        let inManySteps = often.messages(until: .seconds(60), step: .milliseconds(37))
        #expect(inOneStep.count > 60 * 60)
        #expect(try bytes(inOneStep) == bytes(inManySteps))
        #expect(inOneStep.map(\.at) == inManySteps.map(\.at))
    }

    @Test func differentSeedsGiveDifferentSignals() throws {
        var first = Scenario(.stable, seed: 1)
        var second = Scenario(.stable, seed: 2)
        #expect(try bytes(first.advance(to: .seconds(10))) != bytes(second.advance(to: .seconds(10))))
    }
}
