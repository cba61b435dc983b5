import BrokerSupport
import EdgeAgent
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hub
import Telemetry
import Testing
import Vitals

/// The built executables, next to this test bundle (scripts/test builds them first; `swift test` builds every
/// target).
enum Executables {
    static let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    static func path(_ name: String) -> String? {
        let candidate = directory.appendingPathComponent(name).path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }
}

/// A child process the test kills as a power cut or crash would: SIGKILL, no chance to clean up.
final class Child: Sendable {
    let pid: pid_t

    init(_ executable: String, _ arguments: [String], log: String) throws {
        pid = try spawnWithDefaultSignals(executable, arguments, output: log)
    }

    func killHard() async {
        kill(pid, SIGKILL)
        while !hasExited(pid) { try? await Task.sleep(for: .milliseconds(10)) }
    }

    deinit {
        if !hasExited(pid) {
            kill(pid, SIGKILL)
            _ = hasExited(pid)
        }
    }
}

@Suite(.serialized) struct ProcessTests {
    /// Killing the agent marks the gateway and its devices offline (last will) and raises a technical alarm;
    /// restarting it clears both.
    @Test func aKilledAgentGoesOfflineWithATechnicalAlarmAndComesBack() async throws {
        let agentBinary = try #require(Executables.path("silverwatch-agent"), "build the executables first (scripts/test does)")
        try await withBroker { broker in
            let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
            deployment.oximeter.serve(rate: 5)
            let configuration = deployment.directory.appendingPathComponent("agent.json").path
            try """
                {"gateway": "gw-1", "broker": {"host": "127.0.0.1", "port": \(broker.port)},
                 "outbox": {"path": "\(deployment.directory.appendingPathComponent("outbox.sqlite").path)"}, "statusIntervalSeconds": 5,
                 "devices": [{"id": "oxi-1", "channels": [{"format": "plx-continuous", "socket": "\(deployment.oximeter.path)"}]}]}
                """.write(toFile: configuration, atomically: true, encoding: .utf8)
            let technical = TechnicalAlarms()
            let hub = Task { try await deployment.hub(alerts: AlertBook { _ in .adultHomeDefaults }, technical: technical).run() }
            defer { hub.cancel() }
            let log = deployment.directory.appendingPathComponent("agent.log").path
            var agent = try Child(agentBinary, ["--config", configuration], log: log)
            let online = try await eventually(within: .seconds(20)) { try await deployment.database.devices().first?.gatewayOnline == true }
            #expect(online)
            await agent.killHard()
            let offline = try await eventually(within: .seconds(20)) {
                let devices = try await deployment.database.devices()
                let alerts = try await deployment.database.alertSummaries()
                return devices.first?.gatewayOnline == false && alerts.contains { $0.cause == "device-offline (device oxi-1)" }
            }
            #expect(offline, "the broker published the last will; the hub raised device offline")
            agent = try Child(agentBinary, ["--config", configuration], log: log)
            let back = try await eventually(within: .seconds(20)) {
                let devices = try await deployment.database.devices()
                let alerts = try await deployment.database.alertSummaries()
                return devices.first?.gatewayOnline == true && !alerts.contains { $0.cause == "device-offline (device oxi-1)" }
            }
            #expect(back, "online again, and the technical alarm cleared")
            await agent.killHard()
        }
    }

    /// The agent's command line: a mistake is explained with the usage (EX_USAGE), a configuration it cannot read
    /// in the system's words (EX_CONFIG); neither starts anything.
    @Test func theAgentExplainsABadCommandLine() async throws {
        let agentBinary = try #require(Executables.path("silverwatch-agent"), "build the executables first (scripts/test does)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agent-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(arguments: [String], status: Int32, says: String)] = [
            (["--bogus"], 64, "unknown argument \"--bogus\""),
            ([], 64, "--config FILE is required"),
            (["--config"], 64, "--config needs a file"),
            (["--config", directory.appendingPathComponent("missing.json").path], 78, "No such file or directory"),
            (["--help"], 0, "usage: silverwatch-agent --config FILE"),
        ]
        for (index, item) in cases.enumerated() {
            let log = directory.appendingPathComponent("\(index).log").path
            let pid = try spawnWithDefaultSignals(agentBinary, item.arguments, output: log)
            var status: Int32?
            let deadline = ContinuousClock.now + .seconds(20)
            while status == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                status = exitStatus(of: pid)
            }
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(status == item.status, "\(item.arguments): \(output)")
            #expect(output.contains(item.says), "\(item.arguments): \(output)")
        }
    }

    /// SIGTERM (systemd stopping the unit) stops the agent cleanly and promptly: exit status 0.
    @Test func theAgentStopsCleanlyOnSIGTERM() async throws {
        let agentBinary = try #require(Executables.path("silverwatch-agent"), "build the executables first (scripts/test does)")
        try await withBroker { broker in try await Self.stopAgent(broker: broker, agentBinary: agentBinary) }
    }

    static func stopAgent(broker: Broker, agentBinary: String) async throws {
        let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
        deployment.oximeter.serve(rate: 5)
        let configuration = deployment.directory.appendingPathComponent("agent.json").path
        try """
            {"gateway": "gw-1", "broker": {"host": "127.0.0.1", "port": \(broker.port)},
             "outbox": {"path": "\(deployment.directory.appendingPathComponent("outbox.sqlite").path)"},
             "devices": [{"id": "oxi-1", "channels": [{"format": "plx-continuous", "socket": "\(deployment.oximeter.path)"}]}]}
            """.write(toFile: configuration, atomically: true, encoding: .utf8)
        let hub = Task { try await deployment.hub(alerts: AlertBook { _ in .adultHomeDefaults }).run() }
        defer { hub.cancel() }
        let log = deployment.directory.appendingPathComponent("agent.log").path
        let pid = try spawnWithDefaultSignals(agentBinary, ["--config", configuration], output: log)
        #expect(try await eventually(within: .seconds(20)) { try await deployment.database.storedSequences(device: "oxi-1").count >= 3 })
        kill(pid, SIGTERM)
        var status: Int32?
        let deadline = ContinuousClock.now + .seconds(15)
        while status == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            status = exitStatus(of: pid)
        }
        if status == nil { kill(pid, SIGKILL) }
        #expect(status == 0, "exit status \(status.map(String.init) ?? "none: still running after 15 s"); log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// A hub asked to stop (SIGTERM) stops within seconds even when the broker hangs with acknowledgements
    /// unanswered: what it committed is safe, and the gateways send the unacknowledged readings again.
    @Test func theHubStopsPromptlyWhenTheBrokerHangs() async throws {
        let hubBinary = try #require(Executables.path("silverwatch-hub"), "build the executables first (scripts/test does)")
        try await withBroker { broker in try await Self.stopWithAHungBroker(broker: broker, hubBinary: hubBinary) }
    }

    static func stopWithAHungBroker(broker: Broker, hubBinary: String) async throws {
        let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
        deployment.oximeter.serve(rate: 200)
        let agent = Task { try await deployment.agent().run() }
        defer { agent.cancel() }
        let databasePath = deployment.directory.appendingPathComponent("hub.sqlite").path
        let log = deployment.directory.appendingPathComponent("hub.log").path
        let hub = try Child(hubBinary, ["serve", "--database", databasePath, "--broker-port", String(broker.port), "--http-port", "0"], log: log)
        #expect(try await eventually(within: .seconds(20)) { try await deployment.database.storedSequences(device: "oxi-1").count >= 100 })
        // Frozen while readings flow: the acknowledgements of the last batches are never answered.
        broker.freeze()
        defer { broker.thaw() }
        try await Task.sleep(for: .milliseconds(500))
        kill(hub.pid, SIGTERM)
        let stopped = try await eventually(within: .seconds(15)) { hasExited(hub.pid) }
        #expect(stopped, "the hub stopped on SIGTERM with the broker hung; its log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// The hub is stopped for 30 s while the agent keeps reading, then killed in the middle of a batch, and the
    /// broker restarts: afterwards the hub holds every reading exactly once.
    @Test func everyReadingExactlyOnceAcrossHubDowntimeAKillAndABrokerRestart() async throws {
        let hubBinary = try #require(Executables.path("silverwatch-hub"), "build the executables first (scripts/test does)")
        try await withBroker(.init(persistence: true, maxQueuedMessages: 100_000)) { broker in
            try await Self.downtimeKillAndBrokerRestart(broker: broker, hubBinary: hubBinary)
        }
    }

    static func downtimeKillAndBrokerRestart(broker: Broker, hubBinary: String) async throws {
        let deployment = try await Deployment(brokerPort: broker.port, rules: .adultHomeDefaults)
        deployment.oximeter.serve(rate: 100)
        let agent = Task { try await deployment.agent().run() }
        defer { agent.cancel() }
        let databasePath = deployment.directory.appendingPathComponent("hub.sqlite").path
        let log = deployment.directory.appendingPathComponent("hub.log").path
        let arguments = ["serve", "--database", databasePath, "--broker-port", String(broker.port), "--http-port", "0"]
        var hub = try Child(hubBinary, arguments, log: log)
        #expect(try await eventually(within: .seconds(20)) { try await deployment.database.storedSequences(device: "oxi-1").count >= 200 })
        // Stopped for 30 s while the agent keeps reading (100 packets a second, 200 readings).
        await hub.killHard()
        try await Task.sleep(for: .seconds(30))
        // Back, and killed again while it works through the 6,000 readings that waited.
        hub = try Child(hubBinary, arguments, log: log)
        try await Task.sleep(for: .milliseconds(700))
        await hub.killHard()
        // The broker restarts; the hub comes back for good.
        await broker.stop()
        try await broker.start()
        hub = try Child(hubBinary, arguments, log: log)
        try await Task.sleep(for: .seconds(2))
        deployment.oximeter.stop()
        let sent = deployment.oximeter.count
        let database = deployment.database
        let complete = try await eventually(within: .seconds(60)) { [database, sent] in
            // Each PLX packet carries two readings (SpO2 and pulse rate), each with its own sequence number.
            try await database.storedSequences(device: "oxi-1").count >= 2 * sent
        }
        let stored = try await deployment.database.storedSequences(device: "oxi-1")
        #expect(complete, "stored \(stored.count) readings of \(sent) packets sent")
        try #require(!stored.isEmpty)
        #expect(stored == Array(1...Int64(stored.count)), "no gap and no duplicate in the sequence numbers")
        // Caught up: the hub says it is healthy, connected to the restarted broker with nothing waiting.
        let health = try await Self.health(log: log)
        #expect(health.status == 200, "\(health.body)")
        #expect(health.body.contains("connected since"), "\(health.body)")
        await hub.killHard()
    }

    /// The hub's /health, at the port its log says its API listens on (it was started with `--http-port 0`).
    static func health(log: String) async throws -> (status: Int, body: String) {
        var url: URL?
        _ = try await eventually(within: .seconds(10)) {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            // The last start's line: `… HTTP API listening … url=http://127.0.0.1:PORT/api/v1`.
            guard let line = text.split(separator: "\n").last(where: { $0.contains("HTTP API listening") }),
                  let range = line.range(of: #"url=http://[0-9.]+:[0-9]+"#, options: .regularExpression) else { return false }
            url = URL(string: String(line[range].dropFirst(4)) + "/health")
            return true
        }
        let healthURL = try #require(url, "no \"HTTP API listening\" line in the hub's log")
        let (data, response) = try await URLSession.shared.data(from: healthURL)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The API benchmark the project ships still runs end to end (tiny figures: this checks the command, not speed).
    @Test func theAPIBenchmarkRunsAndPrintsItsFigures() async throws {
        let hubBinary = try #require(Executables.path("silverwatch-hub"), "build the executables first (scripts/test does)")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("bench-api-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let bench = try Child(hubBinary, ["bench-api", "--devices", "8", "--caregiver-patients", "2", "--hours", "1", "--chart-days", "1", "--seconds", "1", "--connections", "1"],
                              log: log)
        var status: Int32?
        _ = try await eventually(within: .seconds(120)) {
            status = exitStatus(of: bench.pid)
            return status != nil
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(output)")
        #expect(output.contains("seeded"))
        #expect(output.components(separatedBy: "1 connections: p50").count - 1 == 2, "\(output)")
    }
}
