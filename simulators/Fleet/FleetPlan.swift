import Simulation

/// Who the fleet's gateways are: how many homes live which scenario, and from which point of it.
///
/// Written as `SCENARIO[@START]:COUNT,…`, e.g. `desaturation@180:50,stable:150`: 50 gateways whose patient is
/// 180 s into the desaturation scenario when the fleet starts (SpO2 already falling), then 150 stable ones.
/// Gateways are numbered in that order.
public struct FleetPlan: Sendable, Hashable {
    /// A run of gateways living the same scenario.
    public struct Group: Sendable, Hashable {
        /// The scenario their patients live.
        public var scenario: ScenarioKind
        /// How far into the scenario (scenario seconds) each patient is when the fleet starts.
        public var start: Double
        /// How many gateways.
        public var count: Int
    }

    /// The groups, in gateway order.
    public var groups: [Group]

    /// The number of gateways in all.
    public var gatewayCount: Int { groups.reduce(0) { $0 + $1.count } }

    /// A plan of `count` gateways all living `scenario` from its start.
    public init(_ scenario: ScenarioKind, count: Int) {
        groups = [Group(scenario: scenario, start: 0, count: count)]
    }

    /// Parses the `SCENARIO[@START]:COUNT,…` form; the error names the part it could not read.
    public init(parsing text: String) throws(FleetPlanError) {
        var groups: [Group] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 2, let count = Int(fields[1]), count > 0 else {
                throw FleetPlanError(part: String(part), reason: "expected SCENARIO[@START]:COUNT with a positive count")
            }
            let head = fields[0].split(separator: "@", omittingEmptySubsequences: false)
            guard let scenario = ScenarioKind(rawValue: String(head[0])) else {
                throw FleetPlanError(part: String(part), reason: "unknown scenario \"\(head[0])\"; known: \(ScenarioKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var start = 0.0
            if head.count == 2 {
                guard let seconds = Double(head[1]), seconds.isFinite, seconds >= 0 else {
                    throw FleetPlanError(part: String(part), reason: "the start must be a number of seconds, 0 or more")
                }
                start = seconds
            } else if head.count > 2 {
                throw FleetPlanError(part: String(part), reason: "more than one @")
            }
            groups.append(Group(scenario: scenario, start: start, count: count))
        }
        self.groups = groups
    }

    /// Gateway `index`'s scenario and start (indices from 0, in group order).
    public func assignment(ofGateway index: Int) -> (scenario: ScenarioKind, start: Double)? {
        var first = 0
        for group in groups {
            if index < first + group.count { return (group.scenario, group.start) }
            first += group.count
        }
        return nil
    }
}

/// A fleet plan that could not be read.
public struct FleetPlanError: Error, Hashable, CustomStringConvertible {
    /// The part of the plan at fault.
    public var part: String
    /// What is wrong with it.
    public var reason: String

    public var description: String { "\"\(part)\": \(reason)" }
}
