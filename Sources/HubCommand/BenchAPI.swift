import ArgumentParser
import Foundation
import Hub
import HubAPI
import Logging
import ServiceLifecycle
import Synchronization
import Telemetry
import Vitals
#if canImport(Glibc)
import Glibc
#endif

extension HubCommand {
    /// The API benchmark: a database holding many devices' history (stored through the real ingest path, so its
    /// rollups are what ingest makes), the real HTTP server on a free loopback port, and keep-alive clients on
    /// threads measuring each request's latency.
    struct BenchAPI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench-api",
            abstract: "Benchmark the API: latest vitals of a caregiver's patients and a 30-day downsampled history.",
            discussion: "Prints p50/p99 latency and requests/s for each query. The database is made in a temporary directory and removed.")

        @Option(help: "Devices with history (four per patient: SpO2, heart rate, respiratory rate, temperature).") var devices = 10_000
        @Option(help: "Hours of history per device.") var hours = 6
        @Option(help: "Seconds between two readings of one device's history.") var interval = 60
        @Option(help: "Days of 1 Hz SpO2 history of the charted patient.") var chartDays = 30
        @Option(help: "Patients on the benchmark caregiver's care team.") var caregiverPatients = 50
        @Option(help: "Concurrent keep-alive connections, one measurement per figure (comma-separated).") var connections = "1,4,8"
        @Option(help: "Seconds each query is measured for.") var seconds = 10

        func validate() throws {
            guard devices >= 4, hours > 0, interval > 0, chartDays > 0, seconds > 0, !connectionCounts.isEmpty else {
                throw ValidationError("all figures must be positive")
            }
            guard caregiverPatients <= devices / 4 else { throw ValidationError("--caregiver-patients must be at most --devices / 4") }
        }

        var connectionCounts: [Int] {
            let counts = connections.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            return counts.allSatisfy { $0 > 0 } ? counts : []
        }

        func run() async throws {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = .warning
                return handler
            }
            let logger = Logger(label: "silverwatch.bench-api")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("silverwatch-bench-api-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let database = try AppDatabase.open(path: directory.appendingPathComponent("hub.sqlite").path)
            let now = Date()

            let seeding = ContinuousClock.now
            let patients = devices / 4
            var patientIDs: [Int64] = []
            for n in 0..<patients { patientIDs.append(try await database.createPatient(displayName: "Patient \(n + 1)", at: now)) }
            let historyStart = now.addingTimeInterval(-Double(hours) * 3600)
            let chartStart = now.addingTimeInterval(-Double(chartDays) * 86_400)
            let kinds: [(String, VitalKind, ClosedRange<Double>)] = [
                ("ox", .oxygenSaturation, 93...99), ("hr", .heartRate, 60...90), ("rr", .respiratoryRate, 12...18), ("th", .bodyTemperature, 36.2...37.4),
            ]
            var stored = 0
            for (index, patientID) in patientIDs.enumerated() {
                var batches: [IncomingReadings] = []
                for (suffix, kind, range) in kinds {
                    let device = "bench-\(index + 1)-\(suffix)"
                    let gateway = "bench-gw-\(index + 1)"
                    let since = index == 0 && kind == .oxygenSaturation ? chartStart : historyStart
                    try await database.registerDevice(device, gatewayID: gateway, at: since)
                    try await database.assign(device: device, to: patientID, since: since)
                    let step = index == 0 && kind == .oxygenSaturation ? 1.0 : Double(interval)
                    let count = Int(now.timeIntervalSince(since) / step)
                    for first in stride(from: 0, to: count, by: ReadingBatch.maximumReadings) {
                        let entries = (first..<min(count, first + ReadingBatch.maximumReadings)).map { i in
                            let time = since.addingTimeInterval(Double(i) * step)
                            let value = range.lowerBound + (range.upperBound - range.lowerBound) * (0.5 + 0.5 * sin(Double(i) / 97))
                            return ReadingBatch.entry(Reading(kind: kind, value: (value * 10).rounded() / 10, measuredAt: time), seq: UInt64(i + 1), receivedAt: time)
                        }
                        let batch = ReadingBatch(gateway: gateway, device: device, readings: entries)
                        batches.append(IncomingReadings(gatewayID: gateway, deviceID: device, readings: try batch.validated(gateway: gateway, device: device),
                                                        topic: "bench", payload: []))
                        if batches.count >= 20 {
                            stored += try await database.commit(batches, receivedAt: now).stored.count
                            batches.removeAll()
                        }
                    }
                }
                if !batches.isEmpty { stored += try await database.commit(batches, receivedAt: now).stored.count }
            }
            let seeded = ContinuousClock.now - seeding
            // Steady state: the bulk load's write-ahead log checkpointed now, not during the first measurement.
            try await database.checkpoint()
            let figures = try await database.storageFigures()
            print("seeded \(stored) readings of \(patients * 4) devices and \(patients) patients in \(seeded.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))));",
                  "database \(figures.bytes / 1_048_576) MB")

            var configuration = APIConfiguration()
            configuration.passwordHashCost = 4
            let api = try await APIEnvironment(database: database, configuration: configuration)
            let password = "benchmark password \(UUID().uuidString)"
            _ = try await api.bootstrapAdmin(username: "bench-admin", displayName: "Benchmark admin", password: password)

            let port = BenchmarkPort()
            let server = buildApplication(api, host: "127.0.0.1", port: 0, logger: logger) { port.set($0) }
            let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let serverPort = try await port.wait()
                let client = BenchmarkClient(port: serverPort)
                let admin = try client.login(username: "bench-admin", password: password)
                let created = try client.post("/api/v1/accounts", token: admin, body: """
                    {"username": "bench-nurse", "displayName": "Benchmark nurse", "role": "caregiver", "password": "\(password)"}
                    """)
                guard created.status == 201, let caregiverID = (try JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: Any])?["id"] as? Int64 else {
                    throw ValidationError("creating the benchmark caregiver answered \(created.status): \(created.body)")
                }
                for patientID in patientIDs.prefix(caregiverPatients) {
                    try await database.setCareTeamMember(patientID: patientID, caregiverID: caregiverID, member: true, at: now)
                }
                let token = try client.login(username: "bench-nurse", password: password)
                let iso = ISO8601DateFormatter()
                let queries = [
                    ("latest vitals of \(caregiverPatients) patients", "/api/v1/vitals/latest?limit=\(caregiverPatients)", 20.0),
                    ("\(chartDays)-day SpO2 history at 1 Hz, 500 points",
                     "/api/v1/patients/\(patientIDs[0])/vitals/spo2/history?from=\(iso.string(from: chartStart))&to=\(iso.string(from: now))&points=500", 50.0),
                ]
                for (name, path, target) in queries {
                    let check = try client.get(path, token: token)
                    guard check.status == 200 else { throw ValidationError("\(path) answered \(check.status): \(check.body.prefix(300))") }
                    // Two seconds of warm-up, not counted: caches, the connection pool, the first audit commits.
                    _ = client.measure(path: path, token: token, connections: connectionCounts.max() ?? 1, seconds: 2)
                    for connections in connectionCounts {
                        let result = client.measure(path: path, token: token, connections: connections, seconds: seconds)
                        print(String(format: "%@, %d connections: p50 %.2f ms, p99 %.2f ms, %.0f requests/s (%d requests, %d errors); target p99 < %.0f ms: %@",
                                     name, connections, result.p50, result.p99, result.requestsPerSecond, result.count, result.errors, target,
                                     result.p99 < target ? "met" : "NOT met"))
                    }
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }
}

/// The port the server bound, handed from its start-up callback to the benchmark.
private final class BenchmarkPort: Sendable {
    private let stream: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    init() { (stream, continuation) = AsyncStream.makeStream() }
    func set(_ port: Int) { continuation.yield(port) }
    func wait() async throws -> Int {
        for await port in stream { return port }
        throw CancellationError()
    }
}

/// A minimal HTTP/1.1 client over a blocking loopback socket, one connection per thread: the least overhead between
/// the measurement and the server.
struct BenchmarkClient: Sendable {
    let port: Int

    struct Response {
        var status: Int
        var body: String
    }

    struct Result {
        var count: Int
        var errors: Int
        var p50: Double
        var p99: Double
        var requestsPerSecond: Double
    }

    func login(username: String, password: String) throws -> String {
        let connection = try Connection(port: port)
        defer { connection.close() }
        let body = #"{"username": "\#(username)", "password": "\#(password)"}"#
        let response = try connection.request("POST", "/api/v1/auth/login", body: body)
        guard response.status == 200,
              let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
              let token = json["accessToken"] as? String else { throw ValidationError("benchmark login failed: \(response.status) \(response.body)") }
        return token
    }

    func get(_ path: String, token: String) throws -> Response {
        let connection = try Connection(port: port)
        defer { connection.close() }
        return try connection.request("GET", path, token: token)
    }

    func post(_ path: String, token: String, body: String) throws -> Response {
        let connection = try Connection(port: port)
        defer { connection.close() }
        return try connection.request("POST", path, token: token, body: body)
    }

    /// Requests `path` from `connections` threads for `seconds`; latencies in milliseconds.
    func measure(path: String, token: String, connections: Int, seconds: Int) -> Result {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds) * 1_000_000_000
        let collected = Mutex<(latencies: [Double], errors: Int)>(([], 0))
        let started = DispatchTime.now().uptimeNanoseconds
        // One thread per connection (not concurrentPerform, which runs only as many at once as there are cores).
        let done = DispatchGroup()
        for _ in 0..<connections {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                var mine: [Double] = []
                var failed = 0
                if let connection = try? Connection(port: port) {
                    while DispatchTime.now().uptimeNanoseconds < deadline {
                        let start = DispatchTime.now().uptimeNanoseconds
                        guard let response = try? connection.request("GET", path, token: token), response.status == 200 else {
                            failed += 1
                            break
                        }
                        mine.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
                    }
                    connection.close()
                } else {
                    failed += 1
                }
                collected.withLock {
                    $0.latencies += mine
                    $0.errors += failed
                }
            }
            thread.start()
        }
        done.wait()
        var latencies = collected.withLock { $0.latencies }
        let errors = collected.withLock { $0.errors }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)]
        }
        return Result(count: latencies.count, errors: errors, p50: percentile(0.5), p99: percentile(0.99), requestsPerSecond: Double(latencies.count) / elapsed)
    }

    /// One keep-alive connection.
    final class Connection {
        private let socket: Int32
        private var buffer: [UInt8] = []

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                Glibc.close(socket)
                throw POSIXError(.init(rawValue: errno) ?? .ECONNREFUSED)
            }
            var one: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }

        func close() { Glibc.close(socket) }

        func request(_ method: String, _ path: String, token: String? = nil, body: String? = nil) throws -> Response {
            var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
            let bytes = Array((head + "\r\n" + (body ?? "")).utf8)
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { throw POSIXError(.EPIPE) }
                sent += n
            }
            // Headers, then Content-Length bytes of body (the hub always sends a length for these responses).
            let separator: [UInt8] = Array("\r\n\r\n".utf8)
            var headerEnd: Int?
            while headerEnd == nil {
                if let range = buffer.firstRange(of: separator) { headerEnd = range.upperBound } else { try fill() }
            }
            let headerText = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
            let lines = headerText.split(separator: "\r\n")
            let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            let length = lines.dropFirst().compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
            while buffer.count < headerEnd! + length { try fill() }
            let body = String(decoding: buffer[headerEnd!..<(headerEnd! + length)], as: UTF8.self)
            buffer.removeFirst(headerEnd! + length)
            return Response(status: status, body: body)
        }

        private func fill() throws {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { Glibc.recv(socket, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw POSIXError(.ECONNRESET) }
            buffer += chunk[..<n]
        }
    }
}
