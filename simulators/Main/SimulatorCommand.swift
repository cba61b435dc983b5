#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import Dispatch
import Logging
import Simulation

/// `silverwatch-simulator`: one simulated patient's devices (`patient`, the default) or a fleet of simulated homes
/// publishing straight to MQTT (`fleet`).
@main
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silverwatch-simulator",
        abstract: "Simulated patients for SilverWatch: bedside devices in their wire formats, or a fleet of homes on MQTT.",
        subcommands: [PatientCommand.self, FleetCommand.self], defaultSubcommand: PatientCommand.self)
}

/// `silverwatch-simulator [patient]`: one simulated patient's devices until SIGTERM or SIGINT.
struct PatientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patient",
        abstract: "Emulates one patient's bedside devices in their wire formats for the SilverWatch edge agent.",
        discussion: """
            Opens a pseudo-terminal for a CMS50 serial oximeter and a SOCK_SEQPACKET socket per GATT \
            characteristic in DIR, prints one line per device (name, wire format, path; tab-separated) on \
            standard output, and runs the scenario until SIGTERM or SIGINT. Logs go to standard error.

            Scenarios:
            \(ScenarioKind.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n"))
            """)

    @Option(help: "The scenario to live through (see below).")
    var scenario: String

    @Option(name: .customLong("devices"), help: ArgumentHelp("The directory for the device sockets and the pty link.",
                                                              valueName: "DIR"))
    var directory: String

    @Option(help: "The seed: the same seed gives the same signals.")
    var seed: UInt64 = 1

    @Option(help: "Scenario seconds per wall second (60: an hour passes in a minute).")
    var speed: Double = 1

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard ScenarioKind(rawValue: scenario) != nil else {
            throw ValidationError("unknown scenario \"\(scenario)\"; known: \(ScenarioKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard speed.isFinite, speed > 0 else { throw ValidationError("--speed must be a positive number, not \(speed)") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown log level \"\(logLevel)\"") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "silverwatch.simulator")
        guard let kind = ScenarioKind(rawValue: scenario) else { throw ValidationError("unknown scenario") }
        let scenario = Scenario(kind, seed: seed, speed: speed)
        let directory = directory
        // The device lines go to whoever started us; if they stop listening, that must not kill the patient. SIGTERM
        // and SIGINT would kill the process before the sockets are removed: they cancel the task below instead.
        for number in [SIGPIPE, SIGTERM, SIGINT] { signal(number, SIG_IGN) }
        let patient = Task {
            let simulator = try PatientSimulator(scenario: scenario, directory: directory, logger: logger)
            for endpoint in simulator.endpoints {
                StandardOutput.writeLine("\(endpoint.device.rawValue)\t\(endpoint.device.wireFormat)\t\(endpoint.path)")
                if let terminal = endpoint.terminal {
                    logger.info("serial oximeter", metadata: ["link": "\(endpoint.path)", "terminal": "\(terminal)"])
                }
            }
            await simulator.run()
        }
        let signals = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { patient.cancel() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        do {
            try await patient.value
        } catch let error as EmulatorError {
            logger.critical("cannot start the devices", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }
}

/// The program's output: the device lines the agent's configuration is built from.
///
/// Written with `write(2)` rather than `print`, which buffers when standard output is a pipe: a caller reading the
/// lines must get them while the simulator runs, not when it exits. Everything else goes to the log.
enum StandardOutput {
    static func writeLine(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { all in
                let rest = UnsafeRawBufferPointer(rebasing: all[offset...])
                return write(1, rest.baseAddress, rest.count)
            }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
