import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import EdgeAgent
import Logging
import ServiceLifecycle

/// `silverwatch-agent`: reads a home's devices and delivers their readings to the hub. Parses arguments and starts
/// the agent's service; the logic is in the EdgeAgent library.
@main
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silverwatch-agent", abstract: "SilverWatch edge agent: devices → durable outbox → MQTT.")

    @Option(help: "The agent's configuration file (JSON; see the README).")
    var config: String

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "silverwatch.agent")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: config)))
        let configuration: AgentConfiguration
        do {
            configuration = try AgentConfiguration.load(json: bytes)
        } catch {
            throw ValidationError("\(config): \(error)")
        }
        let password = try configuration.broker.passwordFile.map { path in
            // The file's first line; FoundationEssentials has no trimmingCharacters.
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            let line = text.split(whereSeparator: \.isNewline).first ?? ""
            return String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        let outbox = try Outbox(path: configuration.outbox.path, capacity: configuration.outbox.capacity ?? 500_000,
                                resendAfter: .seconds(Int64(configuration.outbox.resendAfterSeconds ?? 30)))
        let agent = AgentService(configuration: configuration, mqtt: configuration.mqttConfiguration(password: password),
                                 outbox: outbox, logger: logger)
        let group = ServiceGroup(services: [agent], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        logger.info("agent starting", metadata: ["gateway": "\(configuration.gateway)", "devices": "\(configuration.devices.count)"])
        try await group.run()
    }
}
