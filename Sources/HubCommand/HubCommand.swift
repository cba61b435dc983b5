import ArgumentParser
import Foundation
import Hub
import HubAPI
import Logging
import MQTT
import ServiceLifecycle
import SystemdNotify
import Vitals

/// `silverwatch-hub`: the hub's command line. Parses arguments and starts services; the logic is in the Hub library.
@main
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silverwatch-hub",
        abstract: "SilverWatch hub: ingest, alerts and device state.",
        subcommands: [Serve.self, Status.self, Alerts.self, AddPatient.self, AssignDevice.self, ConfigureGateway.self, SetDevice.self, BootstrapAdmin.self, BenchAPI.self])
}

struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "The hub's SQLite database file (created when missing).")
    var database: String
}

extension HubCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run ingest and alerting until SIGTERM or SIGINT.")

        @OptionGroup var database: DatabaseOption
        @Option(help: "Broker host.") var brokerHost = "127.0.0.1"
        @Option(help: "Broker port.") var brokerPort = 1883
        @Option(help: "The hub's MQTT client id; fixed, so its persistent session survives restarts.") var clientID = "silverwatch-hub"
        @Option(help: "MQTT username.") var username: String?
        @Option(help: "File holding the MQTT password.") var passwordFile: String?
        @Option(help: "CA certificate for TLS to the broker.") var caFile: String?
        @Option(help: "A user with the admin role of the broker's dynamic-security plugin: the API then issues and rotates gateways' MQTT credentials.")
        var dynsecUsername: String?
        @Option(help: "File holding that user's password.") var dynsecPasswordFile: String?
        @Option(help: "Address the HTTP API listens on.") var httpHost = "127.0.0.1"
        @Option(help: "Port of the HTTP API (0: any free port, logged at start).") var httpPort = 8080
        @Option(help: "Minutes without a request after which a signed-in session ends.") var sessionIdleMinutes = 30
        @Option(help: "Minutes an access token is accepted.") var accessTokenMinutes = 10
        @Option(help: "bcrypt cost of new password hashes (4–31).") var passwordHashCost: UInt8 = 12
        @Option(help: "Sign-in attempts one address may make in 5 minutes before it gets 429 (raise it where many people share an address, as behind a clinic's NAT).")
        var signInsPerAddress = 20
        @Option(help: "The hub's address as people reach it (e.g. https://care.example.org), for the links it hands out (calendar feeds); default: the request's own host over HTTP.")
        var publicURL: String?
        @Option(help: "Serve the web console from this directory, read at every request (for working on the console); default: the console built into the hub.")
        var consoleDirectory: String?
        @Option(help: "SMTP relay for email notifications (no authentication: a local relay carries mail on); without it, nothing goes by email.")
        var smtpHost: String?
        @Option(help: "Port of the SMTP relay.") var smtpPort = 25
        @Option(help: "Sender address of email notifications.") var smtpFrom = "silverwatch@localhost.localdomain"
        @Option(help: "A webhook host allowed although it is on an internal network (repeatable); others must be public.")
        var webhookAllowHost: [String] = []

        func validate() throws {
            guard SMTPRelay.isPlainAddress(smtpFrom) else { throw ValidationError("--smtp-from must be an address such as silverwatch@care.example.org") }
            if let publicURL {
                guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, !publicURL.hasSuffix("/") else {
                    throw ValidationError("--public-url must be an http or https URL without a trailing slash")
                }
            }
            guard (4...31).contains(passwordHashCost) else { throw ValidationError("--password-hash-cost must be from 4 to 31") }
            guard sessionIdleMinutes > 0, accessTokenMinutes > 0 else { throw ValidationError("session and token minutes must be positive") }
            guard signInsPerAddress > 0 else { throw ValidationError("--sign-ins-per-address must be positive") }
            guard (dynsecUsername == nil) == (dynsecPasswordFile == nil) else {
                throw ValidationError("--dynsec-username and --dynsec-password-file go together")
            }
        }

        func run() async throws {
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            let logger = Logger(label: "silverwatch.hub")
            let db = try AppDatabase.open(path: database.database)
            let alerting = try await Alerting.load(database: db, logger: logger, now: Date())
            var credentials: MQTTConfiguration.Credentials?
            if let username {
                let password = try passwordFile.map(secret(fromFile:)) ?? ""
                credentials = .init(username: username, password: password)
            }
            let mqtt = MQTTConfiguration(
                host: brokerHost, port: brokerPort, clientID: clientID, session: .persistent(), credentials: credentials,
                tls: caFile.map { .init(caFile: $0) })
            let ingestHealth = IngestHealth()
            let ingestCounters = IngestCounters()
            let ingest = IngestService(database: db, alerts: alerting.book, technical: alerting.technical, mqtt: mqtt, counters: ingestCounters,
                                       health: ingestHealth, logger: logger)
            let systemd = SystemdService(notifier: .fromEnvironment(), database: db, logger: logger)
            var apiConfiguration = APIConfiguration()
            apiConfiguration.sessionIdleLimit = .seconds(sessionIdleMinutes * 60)
            apiConfiguration.accessTokenLifetime = .seconds(accessTokenMinutes * 60)
            apiConfiguration.passwordHashCost = passwordHashCost
            apiConfiguration.loginAttemptsPerAddress = signInsPerAddress
            apiConfiguration.publicURL = publicURL
            apiConfiguration.consoleDirectory = consoleDirectory
            apiConfiguration.emailAvailable = smtpHost != nil
            apiConfiguration.webhookAllowedHosts = Set(webhookAllowHost.map { $0.lowercased() })
            let notifications = NotificationService(database: db, relay: smtpHost.map { SMTPRelay(host: $0, port: smtpPort, from: smtpFrom) },
                                                    allowedWebhookHosts: Set(webhookAllowHost), logger: logger)
            var gatewayCredentials: GatewayCredentials?
            if let dynsecUsername, let dynsecPasswordFile {
                let password = try secret(fromFile: dynsecPasswordFile)
                let manager = GatewayCredentials(connection: MQTTConfiguration(
                    host: brokerHost, port: brokerPort, clientID: "\(clientID)-credentials", credentials: .init(username: dynsecUsername, password: password),
                    tls: caFile.map { .init(caFile: $0) }), logger: logger)
                // The hub's own ingest client and role, as its configuration says.
                if let credentials {
                    try await manager.ensureHubClient(username: credentials.username, password: credentials.password)
                }
                gatewayCredentials = manager
            }
            let api = try await APIEnvironment(database: db, alerting: alerting, ingestHealth: ingestHealth, ingestCounters: ingestCounters,
                                             gatewayCredentials: gatewayCredentials, configuration: apiConfiguration)
            let http = buildApplication(api, host: httpHost, port: httpPort, logger: logger) { port in
                logger.info("HTTP API listening", metadata: ["console": "http://\(httpHost):\(port)/", "url": "http://\(httpHost):\(port)/api/v1", "openapi": "http://\(httpHost):\(port)/api/openapi.yaml"])
            }
            let group = ServiceGroup(services: [ingest, notifications, systemd, http], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            logger.info("hub starting", metadata: ["database": "\(database.database)", "broker": "\(brokerHost):\(brokerPort)"])
            try await group.run()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List gateways' devices with their state.")
        @OptionGroup var database: DatabaseOption

        func run() async throws {
            let db = try AppDatabase.open(path: database.database)
            let now = Date().millisecondsSince1970
            print(row(["GATEWAY", "DEVICE", "MODEL", "ONLINE", "BATTERY", "RSSI", "LAST READING", "PATIENT", "DECODE ERRORS"]))
            let devices = try await db.devices()
            for device in devices {
                let online = device.gatewayOnline && device.connected != false
                print(row([
                    device.gatewayID, device.externalID, device.model ?? "-", online ? "yes" : "no",
                    device.batteryPercent.map { "\($0) %" } ?? "-", device.rssiDBm.map { "\($0) dBm" } ?? "-",
                    device.lastReadingAt.map { age(now - $0) } ?? "never", device.patientID.map(String.init) ?? "unassigned",
                    "\(device.rejectedMessages ?? 0) messages, \(device.discardedBytes ?? 0) bytes",
                ]))
            }
            let configurations = try await db.gatewayConfigurations()
            if !configurations.isEmpty {
                let applied = try await db.appliedConfigurationVersions()
                print("\nGateway configurations (set by the hub):")
                for configuration in configurations {
                    let settings = [
                        configuration.statusIntervalSeconds.map { "status every \($0) s" },
                        configuration.resendAfterSeconds.map { "resend after \($0) s" },
                    ].compactMap { $0 }
                    let state = applied[configuration.gateway] == configuration.version ? "applied" : "not yet applied by the agent"
                    print("  \(configuration.gateway): version \(configuration.version), \(settings.isEmpty ? "agent defaults" : settings.joined(separator: ", ")); \(state)")
                }
            }
            let timeouts = devices.filter { $0.inactivityTimeoutSeconds != nil }
            if !timeouts.isEmpty {
                print("\nOwn inactivity timeouts: " + timeouts.map { "\($0.externalID) \($0.inactivityTimeoutSeconds ?? 0) s" }.joined(separator: ", "))
            }
            let deadLetters = try await db.deadLetterCounts()
            if !deadLetters.isEmpty {
                print("\nDead letters (messages the hub refused): " + deadLetters.map { "\($0.key ?? "unknown gateway"): \($0.value)" }.sorted().joined(separator: ", "))
            }
        }
    }

    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List open alerts, most urgent first.")
        @OptionGroup var database: DatabaseOption
        @Flag(help: "Include resolved alerts.") var all = false

        func run() async throws {
            let db = try AppDatabase.open(path: database.database)
            let now = Date().millisecondsSince1970
            print(row(["ID", "PATIENT", "PRIORITY", "STATUS", "CONDITION", "RAISED", "CAUSE", "EVIDENCE"]))
            for alert in try await db.alertSummaries(includeResolved: all) {
                print(row([
                    String(alert.id), alert.patientID.map(String.init) ?? "-", alert.priority.description.uppercased(), alert.status.rawValue,
                    alert.condition.rawValue, age(now - alert.raisedAt), alert.cause, alert.summary,
                ]))
            }
        }
    }

    struct AddPatient: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-patient", abstract: "Add a patient; prints the new id.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The name shown to the care team.") var displayName: String

        func run() async throws {
            let db = try AppDatabase.open(path: database.database)
            print(try await db.createPatient(displayName: displayName, at: Date()))
        }
    }

    struct AssignDevice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assign-device", abstract: "Assign a device to a patient from now on.")
        @OptionGroup var database: DatabaseOption
        @Option(help: "The gateway the device belongs to (registers the device when new).") var gateway: String
        @Argument(help: "The device id.") var device: String
        @Argument(help: "The patient id.") var patient: Int64

        func run() async throws {
            let db = try AppDatabase.open(path: database.database)
            try await db.registerDevice(device, gatewayID: gateway, at: Date())
            try await db.assign(device: device, to: patient, since: Date())
        }
    }
}

extension HubCommand {
    struct ConfigureGateway: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "configure-gateway",
            abstract: "Change the hub's settings for a gateway; the running hub publishes them (retained) within seconds.",
            discussion: "A value of \"default\" hands the setting back to the agent's configuration file.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The gateway id.") var gateway: String
        @Option(help: ArgumentHelp("How often the agent publishes its full status (5–3600 s, or default).", valueName: "SECONDS"))
        var statusInterval: String?
        @Option(help: ArgumentHelp("How long a reading waits for the hub's acknowledgement before it is sent again (5–3600 s, or default).",
                                   valueName: "SECONDS"))
        var resendAfter: String?

        func validate() throws {
            guard statusInterval != nil || resendAfter != nil else { throw ValidationError("nothing to change: give --status-interval or --resend-after") }
            _ = try setting(statusInterval, "--status-interval")
            _ = try setting(resendAfter, "--resend-after")
        }

        func run() async throws {
            let db = try AppDatabase.open(path: database.database)
            do {
                let configuration = try await db.configureGateway(gateway, statusInterval: try setting(statusInterval, "--status-interval"),
                                                                  resendAfter: try setting(resendAfter, "--resend-after"))
                print("gateway \(gateway): configuration version \(configuration.version)")
            } catch let error as RegistryError {
                throw ValidationError(error.description)
            }
        }
    }

    struct SetDevice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-device", abstract: "Change a device's own settings; the running hub picks them up within seconds.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The device id.") var device: String
        @Option(help: ArgumentHelp("How long without any message before the device counts as offline (60–86400 s, or default: the hub's 10 minutes).",
                                   valueName: "SECONDS"))
        var inactivityTimeout: String

        func validate() throws { _ = try setting(inactivityTimeout, "--inactivity-timeout") }

        func run() async throws {
            let db = try AppDatabase.open(path: database.database)
            guard let value = try setting(inactivityTimeout, "--inactivity-timeout") else { return }
            do {
                try await db.setInactivityTimeout(device: device, value)
            } catch let error as RegistryError {
                throw ValidationError(error.description)
            }
        }
    }
}

extension HubCommand {
    struct BootstrapAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bootstrap-admin",
            abstract: "Create the first admin account; refused once an active admin exists.",
            discussion: "The password is read from --password-file or, without it, from the first line of standard input. No default password ships.")
        @OptionGroup var database: DatabaseOption
        @Option(help: "The admin's username.") var username = "admin"
        @Option(help: "The name shown for the admin.") var displayName = "Administrator"
        @Option(help: "File holding the password (at least 12 characters).") var passwordFile: String?
        @Option(help: "bcrypt cost of the password hash (4–31).") var passwordHashCost: UInt8 = 12

        func run() async throws {
            let db = try AppDatabase.open(path: database.database)
            guard try await !db.hasActiveAdmin() else { throw ValidationError("an active admin exists already; admins create further accounts through the API") }
            let raw = try passwordFile.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? readLine(strippingNewline: true) ?? ""
            let password = raw.trimmingCharacters(in: .newlines)
            var configuration = APIConfiguration()
            configuration.passwordHashCost = passwordHashCost
            let api = try await APIEnvironment(database: db, configuration: configuration)
            do {
                let account = try await api.bootstrapAdmin(username: username, displayName: displayName, password: password)
                print("admin account \(account.username) created (id \(account.id))")
            } catch let error as APIError {
                throw ValidationError(error.message)
            }
        }
    }
}

/// A command-line setting: whole seconds, or `default`.
private func setting(_ text: String?, _ option: String) throws -> AppDatabase.Setting? {
    guard let text else { return nil }
    if text == "default" { return .agentDefault }
    guard let seconds = Int(text) else { throw ValidationError("\(option) takes whole seconds or \"default\", not \"\(text)\"") }
    return .seconds(seconds)
}

/// Columns padded for a terminal: what these listing commands print is their output, hence `print`.
private func row(_ columns: [String]) -> String {
    let widths = [10, 12, 10, 8, 10, 10, 14, 12]
    return zip(columns, widths + Array(repeating: 0, count: max(0, columns.count - widths.count)))
        .map { column, width in column.padding(toLength: max(width, column.count), withPad: " ", startingAt: 0) }
        .joined(separator: " ")
}

private func age(_ milliseconds: Int64) -> String {
    let seconds = max(0, milliseconds / 1000)
    if seconds < 120 { return "\(seconds) s ago" }
    if seconds < 7200 { return "\(seconds / 60) min ago" }
    return "\(seconds / 3600) h ago"
}

/// Tells systemd the hub is up (`Type=notify`) and feeds its watchdog at half the interval while the database
/// answers a query; a wedged database stops the watchdog and systemd restarts the hub.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let database: AppDatabase
    let logger: Logger

    func run() async throws {
        try? notifier.ready(status: "ingesting")
        guard let interval = notifier.watchdogInterval else {
            try? await gracefulShutdown()
            return
        }
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await database.checkWritable()
                    try? notifier.watchdog()
                    try await Task.sleep(for: interval / 2)
                }
            }
        } catch is CancellationError {}
        try? notifier.stopping()
    }
}

/// A password kept in a file, without the line break an editor or `echo` leaves after it.
private func secret(fromFile path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
}
