import ArgumentParser
import Fleet
import Logging
import MQTT

/// `silverwatch-simulator fleet`: many simulated homes publishing straight to MQTT, reporting how fast the hub
/// acknowledged their readings.
struct FleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Publishes as N gateways straight to MQTT (one pulse oximeter each) and reports acknowledgement latency.",
        discussion: """
            Each gateway connects with its own client id (fleet-0001, …), publishes its retained online status and \
            QoS 1 reading batches of SpO2 and pulse rate at --rate messages a second, and measures the time from \
            publishing a reading to the hub's acknowledgement, which the hub sends after committing it (alerts \
            included). Prints a summary; --latency-log writes one line per acknowledged reading.

            --patients sets who the gateways are, as SCENARIO[@START]:COUNT,… (START in scenario seconds), e.g. \
            desaturation@180:50,stable:150. Without it, --gateways stable ones.
            """)

    @Option(help: "Broker host.") var brokerHost = "127.0.0.1"
    @Option(help: "Broker port.") var brokerPort = 1883
    @Option(help: "How many gateways, all stable (ignored with --patients).") var gateways = 10
    @Option(help: "Who the gateways are: SCENARIO[@START]:COUNT,…") var patients: String?
    @Option(help: "Messages a second per gateway (two readings each).") var rate: Double = 1
    @Option(help: "Seconds to publish.") var duration: Double = 30
    @Option(help: "Seconds to wait for the last acknowledgements.") var drain: Double = 10
    @Option(help: "Gateway id prefix.") var prefix = "fleet-"
    @Option(help: "Write device, seq, measuredAt (ms) and latency (ms) of every acknowledged reading here.") var latencyLog: String?
    @Flag(help: "Print the gateway and device ids (tab-separated) and exit.") var listDevices = false

    func validate() throws {
        guard rate.isFinite, rate > 0, rate <= 500 else { throw ValidationError("--rate must be above 0 and at most 500") }
        guard duration.isFinite, duration > 0 else { throw ValidationError("--duration must be a positive number of seconds") }
        guard drain.isFinite, drain >= 0 else { throw ValidationError("--drain must be 0 or more seconds") }
        guard gateways > 0 else { throw ValidationError("--gateways must be positive") }
        _ = try plan()
    }

    func plan() throws -> FleetPlan {
        guard let patients else { return FleetPlan(.stable, count: gateways) }
        do {
            return try FleetPlan(parsing: patients)
        } catch {
            throw ValidationError("--patients \(error)")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let logger = Logger(label: "silverwatch.fleet")
        let plan = try plan()
        let settings = Fleet.Settings(
            mqtt: MQTTConfiguration(host: brokerHost, port: brokerPort, clientID: "fleet", session: .persistent()),
            plan: plan, rate: rate, duration: .seconds(duration), drain: .seconds(drain), prefix: prefix, latencyLog: latencyLog)
        let fleet = Fleet(settings: settings, logger: logger)
        if listDevices {
            for index in 0..<plan.gatewayCount {
                let gateway = fleet.gatewayID(index)
                print("\(gateway)\t\(gateway)-oximeter")
            }
            return
        }
        let report = await fleet.run()
        let readingsPerSecond = Double(report.readings) / duration
        print("gateways connected:            \(report.gateways) of \(plan.gatewayCount)")
        print("messages published:            \(report.messages) (\(report.readings) readings, \(Int(readingsPerSecond.rounded())) readings/s)")
        print("readings acknowledged by hub:  \(report.acknowledged) (\(report.readings - report.acknowledged) not within the drain time)")
        if let latency = report.latency {
            print("publish → acknowledgement:     p50 \(format(latency.p50)) ms, p99 \(format(latency.p99)) ms, max \(format(latency.maximum)) ms")
        }
        for failure in report.failures.prefix(5) { print("failed: \(failure)") }
        if !report.failures.isEmpty || report.gateways == 0 { throw ExitCode.failure }
    }

    private func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return String(tenths)
    }
}
