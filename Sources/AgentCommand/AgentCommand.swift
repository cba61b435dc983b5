#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import EdgeAgent
import Logging

/// `silverwatch-agent --config FILE`: reads a home's devices and delivers their readings to the hub. Parses its one
/// option by hand and stops on SIGTERM or SIGINT by cancelling the agent: an argument-parsing library and a service
/// framework would each add resident memory on hardware where it is scarce. The logic is in the EdgeAgent library.
@main
enum AgentCommand {
    static let usage = """
        usage: silverwatch-agent --config FILE

        SilverWatch edge agent: devices → durable outbox → MQTT.

          --config FILE   the agent's configuration file (JSON; see the README)
          --version       print the version and exit
          -h, --help      print this help and exit

        """
    static let version = "0.1.0"

    static func main() async {
        let path: String
        switch CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst())) {
        case .run(let config): path = config
        case .help: print(usage, terminator: ""); return
        case .version: print(version); return
        case .invalid(let message): fail("\(message)\n\n\(usage)", code: 64)  // EX_USAGE
        }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "silverwatch.agent")
        let agent: AgentService
        do {
            agent = try makeAgent(configurationPath: path, logger: logger)
        } catch {
            fail("silverwatch-agent: \(error)", code: 78)  // EX_CONFIG
        }
        let task = Task { try await agent.run() }
        let signals = stopOnSignals(task, logger: logger)
        defer { signals.forEach { $0.cancel() } }
        do {
            try await task.value
        } catch {
            logger.critical("agent failed", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// SIGTERM (systemd stopping the unit) and SIGINT cancel the agent, which disconnects cleanly; the outbox
    /// keeps whatever the hub has not acknowledged. Nonisolated: the handlers run on a dispatch queue, not the main
    /// actor that `main` runs on.
    nonisolated static func stopOnSignals(_ task: Task<Void, any Error>, logger: Logger) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                logger.info("stopping", metadata: ["signal": "\(number)"])
                task.cancel()
            }
            source.resume()
            return source
        }
    }

    static func makeAgent(configurationPath path: String, logger: Logger) throws -> AgentService {
        let configuration: AgentConfiguration
        let bytes = try readFile(path)
        do {
            configuration = try AgentConfiguration.load(json: bytes)
        } catch {
            throw AgentCommandError("\(path): \(error)")
        }
        let password = try configuration.broker.passwordFile.map { path in
            // The file's first line, without surrounding white space.
            let text = String(decoding: try readFile(path), as: UTF8.self)
            let line = text.split(whereSeparator: \.isNewline).first ?? ""
            return String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        let outbox = try Outbox(path: configuration.outbox.path, capacity: configuration.outbox.capacity ?? 500_000,
                                resendAfter: .seconds(Int64(configuration.outbox.resendAfterSeconds ?? 30)))
        logger.info("agent starting", metadata: ["gateway": "\(configuration.gateway)", "devices": "\(configuration.devices.count)"])
        return AgentService(configuration: configuration, mqtt: configuration.mqttConfiguration(password: password),
                            outbox: outbox, version: version, logger: logger)
    }

    /// The whole file, or an error that says why not in the system's words ("No such file or directory").
    static func readFile(_ path: String) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw AgentCommandError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AgentCommandError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandleStandardError.write(message + "\n")
        exit(code)
    }
}

/// What the command line asks for.
enum CommandLineOptions: Equatable {
    case run(configPath: String)
    case help
    case version
    case invalid(String)

    static func parse(_ arguments: [String]) -> CommandLineOptions {
        var config: String?
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            switch argument {
            case "-h", "--help": return .help
            case "--version": return .version
            case "--config":
                index += 1
                guard index < arguments.endIndex else { return .invalid("--config needs a file") }
                config = arguments[index]
            case _ where argument.hasPrefix("--config="):
                config = String(argument.dropFirst("--config=".count))
            default:
                return .invalid("unknown argument \"\(argument)\"")
            }
            index += 1
        }
        guard let config, !config.isEmpty else { return .invalid("--config FILE is required") }
        return .run(configPath: config)
    }
}

struct AgentCommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Unbuffered writes to standard error.
enum FileHandleStandardError {
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in _ = Glibc.write(2, bytes.baseAddress, bytes.count) }
    }
}
